package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Secrets;
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
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The relay: checks its surroundings, then runs the embedded Debezium engine with a
 * {@link TransactionalPublisher}. Each run first fences (a new producer's {@code initTransactions} completes or
 * aborts whatever a predecessor left in flight), then reads the offset committed in Kafka, then checks that the
 * slot and the database still match that offset ({@link SlotGuard}); only then does Debezium start. When the
 * engine fails (broker or database restart) it runs again; when a check refuses, it waits with the reason in
 * {@code /health}. While another client holds the slot it waits as a standby; while Kafka or the database does
 * not answer, it waits too.
 */
public final class Relay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** Debezium's topic prefix: outbox rows come as {@code <prefix>.public.outbox}. */
    public static final String TOPIC_PREFIX = "outbox-relay";
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(2);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** What the relay is doing now, as {@code /health} shows it; only STREAMING and STANDBY are ready. */
    public enum State { STARTING, STANDBY, STREAMING, RETRYING, REFUSING, STOPPED }

    private final RelaySettings settings;
    private final SourceAdmin source;
    private final RelayTopicSetup topics;
    private final RelayMetrics metrics;
    private final OffsetsTopic offsetsTopic;
    private final Runnable betweenFenceAndRead;
    private final Thread supervisor;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile State state = State.STARTING;
    private volatile boolean stopping;
    private volatile boolean prepared;
    private volatile Duration transactionTimeout;
    private volatile String lastError;
    private volatile int engineRuns;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    private Relay(RelaySettings settings, MeterRegistry registry, Runnable betweenFenceAndRead) {
        this.settings = settings;
        this.source = new SourceAdmin(settings.source(), settings.slotName());
        this.topics = new RelayTopicSetup(Admin.create(adminConfig(settings)), settings);
        this.metrics = new RelayMetrics(registry, source::sampleSlot);
        this.offsetsTopic = new OffsetsTopic(settings.slotOffsetsTopic(), settings.offsetsTopic(), settings.slotName());
        this.betweenFenceAndRead = betweenFenceAndRead;
        this.supervisor = new Thread(this::supervise, "relay-" + settings.slotName());
    }

    /**
     * Checks the database and the broker (a {@link ConfigException} names what to fix), prepares the topics,
     * and starts relaying in the background. A database or broker that does not answer yet is waited for.
     */
    public static Relay start(RelaySettings settings, MeterRegistry registry) {
        return start(settings, registry, () -> { });
    }

    /** With a seam between the fence and the read of the committed offset, where a test lets a zombie commit. */
    static Relay start(RelaySettings settings, MeterRegistry registry, Runnable betweenFenceAndRead) {
        Relay relay = new Relay(settings, registry, betweenFenceAndRead);
        try {
            relay.prepare();
        } catch (Unreachable e) {
            relay.lastError = e.getMessage();
            LOG.warn("relay waiting: {}", relay.lastError);
        } catch (RuntimeException e) {
            relay.topics.close();
            relay.source.close();
            throw e;
        }
        relay.supervisor.start();
        return relay;
    }

    private void prepare() {
        source.check(settings.publication(), settings.decodeMessages());
        topics.prepare();
        transactionTimeout = resolveTransactionTimeout();
        prepared = true;
    }

    /** The configured timeout, checked against the broker's maximum; by default that maximum itself. */
    private Duration resolveTransactionTimeout() {
        Optional<Duration> brokerMax = topics.brokerTransactionMaxTimeout();
        if (settings.transactionTimeout().isPresent()) {
            Duration configured = settings.transactionTimeout().get();
            if (brokerMax.isPresent() && configured.compareTo(brokerMax.get()) > 0) {
                throw new ConfigException(RelaySettings.TRANSACTION_TIMEOUT + "=" + configured + " exceeds the broker's "
                        + "transaction.max.timeout.ms=" + brokerMax.get().toMillis() + ": lower it, or raise the broker's maximum");
            }
            return configured;
        }
        return brokerMax.orElse(RelaySettings.FALLBACK_TRANSACTION_TIMEOUT);
    }

    public State state() {
        return state;
    }

    public long eventsRelayed() {
        return metrics.eventsRelayed();
    }

    /** How often the engine was started: a refusal must not become a restart loop. */
    int engineRuns() {
        return engineRuns;
    }

    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state.name());
        details.put("slot", settings.slotName());
        details.put("lastCommittedLsn", metrics.committedLsn());
        details.put("eventsRelayed", metrics.eventsRelayed());
        String error = lastError;
        if (error != null) {
            details.put(state == State.REFUSING ? "reason" : "lastError", Secrets.maskInText(error, settings.source().password()));
        }
        boolean up = state == State.STREAMING || state == State.STANDBY;
        return up ? Health.up(details) : Health.down(details);
    }

    /** Blocks until the relay has stopped. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void supervise() {
        Duration backoff = RETRY_BACKOFF;
        try {
            while (!stopping) {
                if (!prepared) {
                    try {
                        prepare();
                        backoff = RETRY_BACKOFF;
                        lastError = null;
                    } catch (Unreachable e) {
                        lastError = e.getMessage();
                        pause(backoff);
                        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                        continue;
                    } catch (RuntimeException e) {
                        refuse(Refusal.untilRestarted(e.getMessage()));
                        continue;
                    }
                }
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
                    Optional<Refusal> refusal = Refusal.in(e);
                    if (refusal.isPresent()) {
                        refuse(refusal.get());
                        continue;
                    }
                    lastError = e.getMessage();
                    LOG.warn("relay stopped with an error, starting again from the offset committed in Kafka: {}",
                            Secrets.maskInText(e.toString(), settings.source().password()));
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

    /** Waits, without restarting the engine, until the refusal's reason no longer holds (or for ever, until stopped). */
    private void refuse(Refusal refusal) {
        String reason = refusal.getMessage();
        state = State.REFUSING;
        lastError = reason;
        LOG.error("relay refuses to stream from slot {}: {}", settings.slotName(), Secrets.maskInText(reason, settings.source().password()));
        while (!stopping) {
            pause(settings.standbyRetry());
            if (stopping || !refusal.retryable()) {
                continue;
            }
            Optional<String> still;
            try {
                still = refusal.stillHolds();
            } catch (RuntimeException e) {
                still = Optional.of(reason); // cannot tell now: keep refusing, ask again later
            }
            if (still.isEmpty()) {
                LOG.info("relay on slot {}: the reason to refuse is gone, streaming again", settings.slotName());
                lastError = null;
                return;
            }
            if (!still.get().equals(lastError)) {
                lastError = still.get();
                LOG.error("relay refuses to stream from slot {}: {}", settings.slotName(),
                        Secrets.maskInText(lastError, settings.source().password()));
            }
        }
    }

    /** The start-up checks again, without fencing: whether a refusal still holds (a reset may have lifted it). */
    private Optional<String> recheckStart() {
        Optional<OffsetsTopic.Committed> committed = offsetsTopic.readLast(settings.kafka().clientConfig());
        return SlotGuard.refusal(committed, source.slot(), source.identity());
    }

    private void runEngineOnce() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(settings, transactionTimeout))) {
            // fence first: a predecessor's commit still in flight completes (or is aborted) before the offset is read
            producer.initTransactions();
            betweenFenceAndRead.run();
            Optional<OffsetsTopic.Committed> committed = offsetsTopic.readLast(settings.kafka().clientConfig());
            DatabaseIdentity identity = source.identity();
            Optional<String> refusal = SlotGuard.refusal(committed, source.slot(), identity);
            if (refusal.isPresent()) {
                throw new Refusal(refusal.get(), this::recheckStart);
            }
            committed.ifPresent(c -> recordIdentity(producer, c, identity));
            LOG.info("slot {}: resuming {}", settings.slotName(),
                    committed.map(c -> "after the committed offset " + c.describe()).orElse("from the slot (no offset committed yet)"));
            OutboxRouter router = new OutboxRouter(maxRequestSize(), settings.cloudEventsSource());
            TransactionalPublisher publisher = new TransactionalPublisher(producer, router, offsetsTopic, topics, metrics,
                    TransactionalPublisher.SourceTopics.of(TOPIC_PREFIX), settings.maxBatchSize(), identity, transactionTimeout,
                    maxRequestSize());
            EngineOutcome outcome = new EngineOutcome();
            DebeziumEngine<RecordChangeEvent<SourceRecord>> e = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(engineProperties(settings, committed))
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
            engineRuns++;
            e.run();
            engine = null;
            try {
                publisher.abortOpenTransaction();
            } catch (RuntimeException abortFailure) {
                LOG.debug("could not abort the open transaction; the next producer will", abortFailure);
            }
            producer.close(Duration.ofSeconds(5));
            if (outcome.error != null && !stopping) {
                Optional<Refusal> r = Refusal.in(outcome.error);
                if (r.isPresent()) {
                    throw r.get();
                }
                throw new IllegalStateException(outcome.message, outcome.error);
            }
        }
    }

    /** An offset without the database's identity (earlier versions, or the shared topic) is rewritten with it. */
    private void recordIdentity(KafkaProducer<byte[], byte[]> producer, OffsetsTopic.Committed c, DatabaseIdentity identity) {
        if (c.identity().isPresent() && c.readFrom().equals(offsetsTopic.topic())) {
            return;
        }
        producer.beginTransaction();
        producer.send(offsetsTopic.record(c.key(), c.value(), identity));
        producer.commitTransaction();
        LOG.info("slot {}: migrated the offset committed in {} to {}, with the database's identity ({}); the relay "
                + "could not check that identity this once", settings.slotName(), c.readFrom(), offsetsTopic.topic(), identity.describe());
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

    /**
     * The engine's properties exactly as the relay sets them, resuming from the slot itself (no committed offset):
     * for running the engine alone beside the relay, as a benchmark of its ceiling.
     */
    public static Properties engineProperties(RelaySettings settings) {
        return engineProperties(settings, Optional.empty());
    }

    private static Properties engineProperties(RelaySettings settings, Optional<OffsetsTopic.Committed> committed) {
        String slot = settings.slotName();
        Properties p = new Properties();
        p.putAll(SourceAdmin.debeziumProperties(settings.source()));
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
        // the writer's message mode: outbox events as transactional logical decoding messages (PostgreSQL 14+)
        if (settings.decodeMessages()) {
            p.put("message.prefix.include.list", OutboxMessage.PREFIX);
        } else {
            p.put("message.prefix.exclude.list", ".*");
        }
        // END events mark PostgreSQL transaction boundaries, the only places the relay commits
        p.put("provide.transaction.metadata", "true");
        p.put("tombstones.on.delete", "false");
        p.put("heartbeat.interval.ms", String.valueOf(settings.heartbeatInterval().toMillis()));
        p.put("heartbeat.action.query", "INSERT INTO relay_heartbeat (slot_name, beat_at) VALUES ('" + slot
                + "', now()) ON CONFLICT (slot_name) DO UPDATE SET beat_at = excluded.beat_at");
        p.put("max.batch.size", String.valueOf(settings.maxBatchSize()));
        p.put("max.queue.size", String.valueOf(settings.maxQueueSize()));
        // large payloads cannot exhaust the heap: the queue is bounded in bytes too
        p.put("max.queue.size.in.bytes", String.valueOf(settings.maxQueueBytes()));
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

    static Map<String, Object> producerConfig(RelaySettings settings, Duration transactionTimeout) {
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
        c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
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
        if (state != State.STREAMING && (state != State.STARTING || engine == null)) {
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
