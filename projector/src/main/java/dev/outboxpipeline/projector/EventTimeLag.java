package dev.outboxpipeline.projector;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The age of the oldest event the projector has not processed yet: per event partition, the timestamp of
 * the first record past the application's committed offset. Records behind say how much is left; this
 * says how long it has waited, which is what matters against the topics' tombstone retention: a
 * projector behind by more than {@code delete.retention.ms} may never see a delete that was compacted.
 */
final class EventTimeLag implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventTimeLag.class);
    static final String METER = "projector.events.time.lag";
    static final Duration EVERY = Duration.ofSeconds(5);
    private static final Duration READ_FOR = Duration.ofSeconds(2);
    /** Warn when the time lag reaches this share of the tombstone retention. */
    static final double WARN_AT = 0.5;

    private final ProjectorSettings settings;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "projector-time-lag");
        t.setDaemon(true);
        return t;
    });
    private volatile long ageMs;

    EventTimeLag(ProjectorSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.admin = Admin.create(settings.kafka().clientConfig());
        Map<String, Object> c = new HashMap<>(settings.kafka().clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024); // one record per partition is enough
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.applicationId() + "-time-lag");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Gauge.builder(METER, this, l -> l.ageMs / 1000.0).baseUnit("seconds")
                .description("age of the oldest event of the event topics not yet processed (0 when caught up)")
                .register(registry);
        timer.scheduleWithFixedDelay(this::measure, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    Duration age() {
        return Duration.ofMillis(ageMs);
    }

    /** A warning once the time lag nears the event topics' tombstone retention. */
    Optional<String> warning() {
        Duration retention = settings.eventTopics().deleteRetention();
        if (retention.isZero() || ageMs < retention.toMillis() * WARN_AT) {
            return Optional.empty();
        }
        return Optional.of("the oldest unprocessed event is " + Duration.ofMillis(ageMs).toMinutes() + " min old, near"
                + " the event topics' tombstone retention of " + retention.toHours() + " h ("
                + "EVENT_TOPIC_DELETE_RETENTION): a delete compacted away before it is processed would leave its row"
                + " in the read model. Catch up (add instances), or raise delete.retention.ms on the event topics");
    }

    private void measure() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.applicationId())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : settings.topics().events()) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<TopicPartition> behind = partitions.stream()
                    .filter(tp -> committed.get(tp) == null || committed.get(tp).offset() < end.get(tp)).toList();
            if (!consumer.assignment().containsAll(partitions)) {
                consumer.assign(partitions); // kept: changing it drops fetches in flight, with a warning each
            }
            consumer.pause(partitions);
            for (TopicPartition tp : behind) {
                OffsetAndMetadata at = committed.get(tp);
                if (at == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, at.offset());
                }
            }
            consumer.resume(behind);
            // the first record past the committed offset of each partition (a partition holding only
            // transaction markers there yields none, and is not behind)
            Map<TopicPartition, Long> firstTimestamp = new HashMap<>();
            long until = System.nanoTime() + READ_FOR.toNanos();
            while (firstTimestamp.size() < behind.size() && System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    firstTimestamp.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.timestamp());
                }
                consumer.pause(firstTimestamp.keySet());
            }
            consumer.pause(partitions);
            long now = System.currentTimeMillis();
            long oldest = 0;
            for (long ts : firstTimestamp.values()) {
                oldest = Math.max(oldest, now - ts);
            }
            ageMs = Math.max(0, oldest);
        } catch (Exception e) {
            LOG.debug("could not measure the time lag: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
