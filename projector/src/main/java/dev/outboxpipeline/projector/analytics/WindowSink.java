package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.Secrets;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.projector.MemoryBounds;
import dev.outboxpipeline.projector.sink.AppliedOffsets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies the window topics to the window tables as the read model's sink writer applies its
 * topics: a {@code read_committed} consumer, one sink transaction per poll that locks the
 * partitions' applied offsets in {@code projector_offsets}, skips what they already cover, writes
 * the newest record per row, and stores the new offsets with the rows.
 */
final class WindowSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WindowSink.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    private final JdbcSettings sink;
    private final AnalyticsTopics topics;
    private final AppliedOffsets offsets;
    private final WindowTables tables;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<TopicPartition> toSeek = new HashSet<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Counter rows;
    private final AtomicLong behind = new AtomicLong();
    private final Thread thread;
    private volatile String lastFailure;
    private Connection connection;

    WindowSink(String applicationId, JdbcSettings sink, Map<String, Object> kafka, AnalyticsTopics topics, MeterRegistry registry) {
        this.sink = sink;
        this.topics = topics;
        this.offsets = new AppliedOffsets(applicationId);
        this.tables = new WindowTables(topics);
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId + "-sink");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId + "-sink-writer");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        MemoryBounds.applyToConsumer(c);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.rows = Counter.builder("analytics.rows.apply").description("window rows applied to the sink").register(registry);
        Gauge.builder("analytics.sink.lag", behind, AtomicLong::get)
                .description("records of the window topics not yet applied to the sink").register(registry);
        this.thread = new Thread(this::run, "analytics-sink-writer");
        thread.start();
    }

    Optional<String> failure() {
        return Optional.ofNullable(lastFailure);
    }

    private void run() {
        consumer.subscribe(topics.windowRows(), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                toSeek.addAll(partitions); // positions come from the sink database
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
                Duration wait = POLL;
                while (!records.isEmpty() && stop.getCount() > 0 && !apply(records)) {
                    backOff(wait);
                    wait = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
                }
                long lag = 0;
                for (TopicPartition tp : consumer.assignment()) {
                    lag += consumer.currentLag(tp).orElse(0);
                }
                behind.set(lag);
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            lastFailure = "analytics sink writer stopped: " + e;
            LOG.error("analytics sink writer stopped", e);
        } finally {
            closeConnection();
            consumer.close(Duration.ofSeconds(5));
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
            backOff(POLL);
        }
    }

    /** One transaction; false when it failed and should be retried. */
    private boolean apply(ConsumerRecords<String, byte[]> records) {
        try {
            Connection c = connection();
            Map<TopicPartition, Long> last = new HashMap<>();
            records.forEach(r -> last.put(new TopicPartition(r.topic(), r.partition()), r.offset()));
            Map<TopicPartition, Long> applied = offsets.lock(c, last.keySet());
            Map<String, Map<String, byte[]>> latest = new HashMap<>();
            int fresh = 0;
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.offset() > applied.getOrDefault(new TopicPartition(r.topic(), r.partition()), -1L)) {
                    latest.computeIfAbsent(r.topic(), t -> new LinkedHashMap<>()).put(r.key(), r.value());
                    fresh++;
                }
            }
            tables.write(c, latest);
            Map<TopicPartition, Long> advanced = new HashMap<>();
            last.forEach((tp, offset) -> {
                if (offset > applied.getOrDefault(tp, -1L)) {
                    advanced.put(tp, offset);
                }
            });
            if (!advanced.isEmpty()) {
                offsets.store(c, advanced);
            }
            c.commit();
            rows.increment(fresh);
            lastFailure = null;
            return true;
        } catch (SQLException | RuntimeException e) {
            failed("applying " + records.count() + " window records", e);
            return false;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = Connections.open(sink);
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    private void failed(String what, Exception e) {
        String message = Secrets.maskInText(String.valueOf(e.getMessage()), sink.password());
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
