package dev.outboxpipeline.projector;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;

/**
 * The projector's queues, bounded in bytes so that the read model, the analytics and both sink writers fit its
 * default heap of 512 MiB together (docs/running.md#memory). Each is a default: {@code KAFKA_<PROPERTY>}
 * (e.g. {@code KAFKA_FETCH_MAX_BYTES}) still sets it.
 *
 * <p>Per Streams application: the record caches, a fetch in flight and one buffered per consumer (main and
 * restore), the producer's buffer: about 10 + 2 × 2 × 16 + 32 = 106 MiB; per sink writer two fetches, 32 MiB;
 * two of each, about 280 MiB in all at worst. Streams' input queues are bounded in records
 * ({@code buffered.records.per.partition}, 1,000 per partition; Kafka 4.3 has no {@code input.buffer.max.bytes}),
 * so in bytes by the fetches that fill them. RocksDB lives outside the heap, bounded by {@link BoundedRocksDb}.
 */
public final class MemoryBounds {

    /** Streams' record caches across the threads of one application ({@code statestore.cache.max.bytes}). */
    public static final long STREAMS_CACHE_BYTES = 10L << 20;
    /** Most bytes one fetch returns, over all its partitions ({@code fetch.max.bytes}; Kafka's default is 50 MiB). */
    public static final int FETCH_MAX_BYTES = 16 << 20;
    /** Most bytes of one partition per fetch ({@code max.partition.fetch.bytes}); a larger record still comes, alone. */
    public static final int PARTITION_FETCH_MAX_BYTES = 1 << 20;
    /** Records a Streams producer holds before the broker has them ({@code buffer.memory}); a full buffer blocks the send. */
    public static final long PRODUCER_BUFFER_BYTES = 32L << 20;

    private MemoryBounds() {
    }

    /** The bounds of a Streams application: its caches, its consumers' fetches and its producer's buffer. */
    public static void applyToStreams(Map<? super String, Object> config) {
        config.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, STREAMS_CACHE_BYTES);
        applyToConsumer(config);
        config.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, PRODUCER_BUFFER_BYTES);
        config.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    }

    /** The bounds of a plain consumer's fetches (the sink writers'). */
    public static void applyToConsumer(Map<? super String, Object> config) {
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
        config.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PARTITION_FETCH_MAX_BYTES);
    }
}
