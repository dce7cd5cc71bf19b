package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.Secrets;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.ops.Tracing;
import dev.outboxpipeline.projector.MemoryBounds;
import dev.outboxpipeline.projector.topology.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Applies the {@code readmodel.*} topics to the sink database. Each poll becomes one transaction:
 * lock the partitions' applied offsets, drop records at or below them, write the newest change per
 * row, store the new offsets, commit. The database, not Kafka, holds the position, so a crash at any
 * point applies each change exactly once. A change the database rejects for its data, or a record that
 * cannot be decoded, goes to {@code projector.dlq} with the reason and the rest of its batch is applied
 * ({@link BatchTransaction}). A database outage is retried with back-off on the same batch, the
 * partitions paused and the consumer still polling, so it stays in its group; nothing is skipped.
 */
public final class SinkWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWriter.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    /** How the writer is set up. */
    /** How the writer is set up; {@code deletionMarkerRetention} is how long {@code deleted_row} keeps a delete. */
    public record Config(String applicationId, JdbcSettings sink, Map<String, Object> kafkaClientConfig,
                         Topics topics, int maxBatch, Duration deletionMarkerRetention) {

        public Config(String applicationId, JdbcSettings sink, Map<String, Object> kafkaClientConfig, Topics topics,
                      int maxBatch) {
            this(applicationId, sink, kafkaClientConfig, topics, maxBatch, DeletionMarkers.DEFAULT_RETENTION);
        }
    }

    private final Config config;
    private final AppliedOffsets offsets;
    private final ReadModelFormat decoder;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<TopicPartition> toSeek = new HashSet<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private final SinkMetrics metrics;
    private final SinkDeadLetters deadLetters;
    private final ApplySpans applySpans;
    private volatile String lastFailure;
    private Connection connection;

    private SinkWriter(Config config, MeterRegistry registry, Tracing tracing) {
        this.config = config;
        this.applySpans = new ApplySpans(tracing);
        this.offsets = new AppliedOffsets(config.applicationId());
        this.decoder = new ReadModelFormat(config.topics());
        Map<String, Object> c = new HashMap<>(config.kafkaClientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-sink");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch());
        MemoryBounds.applyToConsumer(c);
        // the store's id in the client id lets a bootstrap --follow see which store a group member writes
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix(config.applicationId()) + storeId(config.sink()));
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.metrics = new SinkMetrics(registry);
        this.deadLetters = new SinkDeadLetters(config.topics().deadLetters(), config.kafkaClientConfig(),
                config.applicationId() + "-sink-dead-letters");
        this.thread = new Thread(this::run, "projector-sink-writer");
    }

    /** Members of an application's sink group have client ids of this prefix, then their store's id. */
    public static String clientIdPrefix(String applicationId) {
        return applicationId + "-sink-writer-";
    }

    private static String storeId(JdbcSettings sink) {
        try {
            return SinkIdentity.read(sink).storeId().toString();
        } catch (RuntimeException e) {
            return "unknown"; // the writer waits for the database anyway
        }
    }

    public static SinkWriter start(Config config, MeterRegistry registry) {
        return start(config, registry, Tracing.of(OpenTelemetry.noop()));
    }

    /** A writer whose batches are spans of {@code tracing}'s, linked to the writes they apply. */
    public static SinkWriter start(Config config, MeterRegistry registry, Tracing tracing) {
        SinkWriter writer = new SinkWriter(config, registry, tracing);
        writer.thread.start();
        return writer;
    }

    /** Why the last attempt failed, or empty while the sink is being written fine. */
    public java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(lastFailure);
    }

    public long recordsBehind() {
        return metrics.recordsBehind();
    }

    private void run() {
        consumer.subscribe(config.topics().readModel(), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // positions come from the sink database, read before the first poll of these partitions
                toSeek.addAll(partitions);
                consumer.pause(partitions);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                toSeek.removeAll(partitions);
            }
        });
        try {
            while (stop.getCount() > 0) {
                seekToAppliedOffsets();
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    applyWithRetry(records);
                }
                updateLag();
                pruneDeletionMarkers();
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            lastFailure = "sink writer stopped: " + e;
            LOG.error("sink writer stopped", e);
        } finally {
            closeConnection();
            consumer.close(Duration.ofSeconds(5));
            deadLetters.close();
        }
    }

    private void seekToAppliedOffsets() {
        if (toSeek.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, Long> applied = offsets.read(connection(), toSeek);
            connection.commit();
            for (TopicPartition tp : toSeek) {
                Long offset = applied.get(tp);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset + 1);
                }
            }
            consumer.resume(toSeek);
            toSeek.clear();
        } catch (SQLException | RuntimeException e) {
            failed("reading applied offsets", e);
            backOff(FIRST_RETRY);
        }
    }

    private void applyWithRetry(ConsumerRecords<String, byte[]> records) {
        ReadModelFormat.Decoded decoded = decoder.decodeAll(records);
        List<Change> changes = decoded.changes();
        List<Rejected> undecodable = decoded.undecodable();
        Map<TopicPartition, Long> last = decoded.lastOffsets();
        deadLetters.batch(records);
        Duration wait = FIRST_RETRY;
        boolean paused = false;
        try (ApplySpans.Batch batch = applySpans.open(changes)) { // its log lines name the batch's trace
            while (stop.getCount() > 0) {
                try {
                    apply(changes, undecodable, last);
                    lastFailure = null;
                    batch.succeeded();
                    break;
                } catch (SQLException | RuntimeException e) {
                    failed("applying a batch of " + changes.size() + " changes", e);
                    batch.failed(lastFailure, e);
                    paused = true;
                    keepPolling(wait);
                    wait = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
                }
            }
        }
        if (paused) {
            Set<TopicPartition> resume = new HashSet<>(consumer.assignment());
            resume.removeAll(toSeek);
            consumer.resume(resume);
        }
    }

    /**
     * Waits out a back-off while staying in the consumer group: the partitions are paused, so the polls
     * return nothing, but they tell the group this member is alive past {@code max.poll.interval.ms}.
     */
    private void keepPolling(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        do {
            consumer.pause(consumer.assignment());
            ConsumerRecords<String, byte[]> none = consumer.poll(POLL);
            if (!none.isEmpty()) {
                throw new IllegalStateException("a paused consumer returned records"); // would be a Kafka bug
            }
        } while (stop.getCount() > 0 && System.nanoTime() < until);
    }

    private void apply(List<Change> changes, List<Rejected> undecodable, Map<TopicPartition, Long> lastOffsets)
            throws SQLException {
        long started = System.nanoTime();
        Connection c = connection();
        BatchTransaction.Result result;
        try {
            result = BatchTransaction.apply(c, offsets, changes, undecodable, lastOffsets, deadLetters);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
        long committedAt = System.currentTimeMillis();
        metrics.batchApplied(System.nanoTime() - started, result.applied().size());
        metrics.deadLettered(result.rejected().size());
        for (Change ch : result.applied()) {
            metrics.changeCommitted(Math.max(0, committedAt - ch.sourceTsMs()));
        }
        // advisory only (the database holds the truth): lets Kafka tools show the group's lag
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        lastOffsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset + 1)));
        consumer.commitAsync(commit, null);
    }

    private long nextPrune = System.nanoTime();

    /** Drops {@code deleted_row} entries past their retention, now and then; a failure waits for the next time. */
    private void pruneDeletionMarkers() {
        if (System.nanoTime() < nextPrune) {
            return;
        }
        Duration every = DeletionMarkers.PRUNE_EVERY.compareTo(config.deletionMarkerRetention()) < 0
                ? DeletionMarkers.PRUNE_EVERY : config.deletionMarkerRetention();
        nextPrune = System.nanoTime() + every.toNanos();
        try {
            int pruned = DeletionMarkers.prune(connection(), config.deletionMarkerRetention());
            if (pruned > 0) {
                LOG.info("pruned {} deletion markers older than {} from deleted_row", pruned,
                        config.deletionMarkerRetention());
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            LOG.warn("pruning deleted_row failed (tried again in {}): {}", every, e.getMessage());
        }
    }

    private void updateLag() {
        long behind = 0;
        for (TopicPartition tp : consumer.assignment()) {
            behind += consumer.currentLag(tp).orElse(0);
        }
        metrics.recordsBehind(behind);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = Connections.open(config.sink());
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    private void failed(String what, Exception e) {
        metrics.failed();
        String message = Secrets.maskInText(String.valueOf(e.getMessage()), config.sink().password());
        lastFailure = what + " failed: " + message;
        LOG.warn("{} failed, retrying: {}", what, message);
        closeConnection();
    }

    private void backOff(Duration wait) {
        try {
            stop.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.countDown();
        }
    }

    private void rollbackQuietly() {
        try {
            if (connection != null) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    /** Stops after the current batch (a batch still being retried is left to the next run). */
    @Override
    public void close() {
        stop.countDown();
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
