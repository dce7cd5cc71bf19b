package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** How many dead letters {@code projector.dlq} holds (committed records; a dead letter sent twice counts twice). */
public final class DeadLetterCount {

    private DeadLetterCount() {
    }

    /** The count, or empty when Kafka does not answer within {@code timeout}. */
    public static OptionalLong of(KafkaSettings kafka, Topics topics, Duration timeout) {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topics.deadLetters(), timeout);
            if (infos == null || infos.isEmpty()) {
                return OptionalLong.of(0);
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long count = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (Instant.now().isAfter(deadline)) {
                    return OptionalLong.empty();
                }
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return OptionalLong.of(count);
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
