package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.projector.topology.HeaderValues;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a compacted event topic holds: each aggregate alive in it (its last record not a tombstone) with that
 * record's {@code aggregate-version}. Read with {@code read_committed} from the beginning up to the end offsets at
 * start. This is the one part of {@code snapshot --reconcile} that talks to Kafka; the writer never does.
 */
final class TopicAggregates {

    private static final Duration POLL = Duration.ofMillis(500);

    /**
     * @param alive          aggregate id to the version of its last record
     * @param recordsRead    records read
     * @param withoutVersion live records without a readable {@code aggregate-version} header (left out of {@code alive})
     */
    record Content(Map<String, Long> alive, long recordsRead, long withoutVersion) {
    }

    private TopicAggregates() {
    }

    /** Empty when the topic does not exist (the relay creates it with its first event). */
    static Optional<Content> read(KafkaSettings kafka, String topic) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.listTopics().get(topic);
            if (infos == null) {
                return Optional.empty();
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, Long> alive = new HashMap<>();
            long read = 0;
            long withoutVersion = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition())) || r.key() == null) {
                        continue;
                    }
                    read++;
                    Optional<Long> version = HeaderValues.number(r.headers(), EventHeaders.AGGREGATE_VERSION);
                    if (r.value() == null) {
                        alive.remove(r.key());
                    } else if (version.isPresent()) {
                        alive.put(r.key(), version.get());
                    } else {
                        alive.remove(r.key());
                        withoutVersion++;
                    }
                }
            }
            return Optional.of(new Content(alive, read, withoutVersion));
        }
    }
}
