package dev.outboxpipeline.projector.analytics;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Sends a watermark to every partition of a repartition topic (each downstream task must hear from
 * every input partition) and an event to its key's partition, as the default partitioner would, so
 * interactive queries find a customer's windows with the key alone.
 */
final class WatermarksToAll implements StreamPartitioner<String, Activity> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Activity value, int numPartitions) {
        if (value != null && value.isWatermark()) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % numPartitions));
    }
}
