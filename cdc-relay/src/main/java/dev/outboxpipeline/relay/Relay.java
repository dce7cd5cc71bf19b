package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.ops.Health;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The relay: checks its surroundings, then runs the embedded Debezium engine with a
 * {@link TransactionalPublisher}. When the engine fails (broker or database restart, a lost slot) it
 * starts again from the offset committed in Kafka, with a new producer whose {@code initTransactions}
 * aborts whatever the failed one left open. While another client holds the slot it waits as a standby.
 */
public final class Relay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    private static final String TOPIC_PREFIX = "outbox-relay";
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** What the relay is doing now, as {@code /health} shows it. */
    public enum State { STARTING, STANDBY, STREAMING, RETRYING, STOPPED }

    private final RelaySettings settings;
    private final SourceDatabase source;
    private final Topics topics;
    private final RelayMetrics metrics;
    private final OffsetsTopic offsetsTopic;
    private final Thread supervisor;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile State state = State.STARTING;
    private volatile boolean stopping;
    private volatile String lastError;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    private Relay(RelaySettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.source = new SourceDatabase(settings.source(), settings.slotName());
        this.topics = new Topics(Admin.create(adminConfig(settings)), settings);
        this.metrics = new RelayMetrics(registry, () -> {
            OptionalLong lag = source.slotLagBytes();
            return lag.isPresent() ? (Number) lag.getAsLong() : (Number) Double.NaN;
        });
        this.offsetsTopic = new OffsetsTopic(settings.offsetsTopic(), settings.slotName());
        this.supervisor = new Thread(this::supervise, "relay-" + settings.slotName());
    }

    /**
     * Checks the database and the broker (a {@link ConfigException} names what to fix), prepares the topics,
     * and starts relaying in the background.
     */
    public static Relay start(RelaySettings settings, MeterRegistry registry) {
        Relay relay = new Relay(settings, registry);
        try {
            relay.source.check(settings.publication());
            relay.topics.prepare();
        } catch (RuntimeException e) {
            relay.topics.close();
            relay.source.close();
            throw e;
        }
        relay.supervisor.start();
        return relay;
    }

    public State state() {
        return state;
    }

    public long eventsRelayed() {
        return metrics.eventsRelayed();
    }

    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state.name());
        details.put("slot", settings.slotName());
        details.put("lastCommittedLsn", metrics.committedLsn());
        details.put("eventsRelayed", metrics.eventsRelayed());
        if (lastError != null) {
            details.put("lastError", lastError);
        }
        boolean up = state == State.STREAMING || state == State.STANDBY || state == State.STARTING;
        return up ? Health.up(details) : Health.down(details);
    }

    /** Blocks until the relay has stopped. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void supervise() {
        try {
            while (!stopping) {
                OptionalInt holder = source.slotHolder();
                if (holder.isPresent()) {
                    if (state != State.STANDBY) {
                        LOG.info("replication slot {} is held by another client (server pid {}): waiting as a standby",
                                settings.slotName(), holder.getAsInt());
                    }
                    state = State.STANDBY;
                    pause(settings.standbyRetry());
                    continue;
                }
                try {
                    runEngineOnce();
                } catch (RuntimeException e) {
                    lastError = e.getMessage();
                    LOG.warn("relay stopped with an error, starting again from the offset committed in Kafka: {}", e.toString());
                }
                if (!stopping) {
                    state = State.RETRYING;
                    pause(RETRY_BACKOFF);
                }
            }
        } finally {
            state = State.STOPPED;
            stopped.countDown();
        }
    }

    private void runEngineOnce() {
        Optional<OffsetsTopic.Committed> committed = offsetsTopic.readLast(settings.kafka().clientConfig());
        LOG.info("slot {}: resuming {}", settings.slotName(),
                committed.map(c -> "after the committed offset " + c.describe()).orElse("from the slot (no offset committed yet)"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(settings))) {
            producer.initTransactions(); // fences a stale relay of this slot and aborts what it left open
            TransactionalPublisher publisher = new TransactionalPublisher(producer, new OutboxRouter(maxRequestSize()),
                    offsetsTopic, topics, metrics, TransactionalPublisher.SourceTopics.of(TOPIC_PREFIX), settings.maxBatchSize());
            EngineOutcome outcome = new EngineOutcome();
            DebeziumEngine<RecordChangeEvent<SourceRecord>> e = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(engineProperties(committed))
                    .using(OffsetCommitPolicy.always())
                    .using(outcome)
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            state = State.STREAMING;
                            lastError = null;
                            LOG.info("relay streaming from slot {}", settings.slotName());
                        }
                    })
                    .notifying(publisher)
                    .build();
            engine = e;
            if (stopping) {
                return;
            }
            e.run();
            engine = null;
            try {
                publisher.abortOpenTransaction();
            } catch (RuntimeException abortFailure) {
                LOG.debug("could not abort the open transaction; the next producer will", abortFailure);
            }
            producer.close(Duration.ofSeconds(5));
            if (outcome.error != null && !stopping) {
                throw new IllegalStateException(outcome.message, outcome.error);
            }
        }
    }

    private static final class EngineOutcome implements DebeziumEngine.CompletionCallback {
        volatile String message;
        volatile Throwable error;

        @Override
        public void handle(boolean success, String message, Throwable error) {
            this.message = message;
            this.error = success ? null : (error == null ? new IllegalStateException(message) : error);
        }
    }

    private Properties engineProperties(Optional<OffsetsTopic.Committed> committed) {
        String slot = settings.slotName();
        Properties p = new Properties();
        p.putAll(SourceDatabase.debeziumProperties(settings.source()));
        p.put("name", slot);
        p.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.put("topic.prefix", TOPIC_PREFIX);
        p.put("plugin.name", "pgoutput");
        p.put("slot.name", slot);
        p.put("publication.name", settings.publication());
        p.put("publication.autocreate.mode", "disabled");
        p.put("snapshot.mode", "no_data");
        p.put("table.include.list", "public.outbox,public.relay_heartbeat");
        // the event format does not carry created_at (source-ts-ms is the commit time): skip formatting it
        p.put("column.exclude.list", "public.outbox.created_at");
        // END events mark PostgreSQL transaction boundaries, the only places the relay commits
        p.put("provide.transaction.metadata", "true");
        p.put("tombstones.on.delete", "false");
        p.put("heartbeat.interval.ms", String.valueOf(settings.heartbeatInterval().toMillis()));
        p.put("heartbeat.action.query", "INSERT INTO relay_heartbeat (slot_name, beat_at) VALUES ('" + slot
                + "', now()) ON CONFLICT (slot_name) DO UPDATE SET beat_at = excluded.beat_at");
        p.put("max.batch.size", String.valueOf(settings.maxBatchSize()));
        p.put("max.queue.size", String.valueOf(settings.maxQueueSize()));
        p.put("poll.interval.ms", String.valueOf(settings.pollInterval().toMillis()));
        p.put("record.processing.threads", "1");
        // a failure stops the engine, and the relay restarts it cleanly from Kafka's offset
        p.put("errors.max.retries", "0");
        p.put("offset.storage", SeededOffsetStore.class.getName());
        p.put("offset.flush.interval.ms", "0");
        p.put("offset.flush.timeout.ms", "60000");
        committed.ifPresent(c -> {
            p.put(SeededOffsetStore.SEED_KEY, new String(c.key(), StandardCharsets.UTF_8));
            p.put(SeededOffsetStore.SEED_VALUE, new String(c.value(), StandardCharsets.UTF_8));
        });
        return p;
    }

    private int maxRequestSize() {
        String configured = settings.kafka().clientProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return configured == null ? 1_048_576 : Integer.parseInt(configured.trim());
    }

    static Map<String, Object> producerConfig(RelaySettings settings) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // no compression: the relay's CPU per event is the figure to keep low; KAFKA_COMPRESSION_TYPE=lz4 trades CPU for bandwidth
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        c.putAll(settings.kafka().clientConfig());
        // not overridable: exactly once needs them
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(5).toMillis());
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return c;
    }

    private static Map<String, Object> adminConfig(RelaySettings settings) {
        Map<String, Object> c = new HashMap<>(settings.kafka().clientConfig());
        c.put("request.timeout.ms", 15_000);
        c.put("default.api.timeout.ms", 30_000);
        return c;
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // retry pacing of a background thread, woken early by close()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Graceful stop: the engine finishes its batch, the open Kafka transaction (if any) is aborted, all is closed. */
    @Override
    public void close() {
        stopping = true;
        DebeziumEngine<RecordChangeEvent<SourceRecord>> e = engine;
        if (e != null) {
            try {
                e.close();
            } catch (Exception ex) {
                LOG.warn("stopping the engine failed", ex);
            }
        }
        if (state == State.STANDBY || state == State.RETRYING) {
            supervisor.interrupt();
        }
        try {
            if (!stopped.await(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                supervisor.interrupt();
                stopped.await(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        topics.close();
        source.close();
    }
}
