package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.contract.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The relay's lag as a {@code read_committed} consumer sees it: the time an event was received minus its
 * {@code source-ts-ms} header, the source transaction's commit time (same machine, same clock). It therefore
 * includes the consumer's fetch, bounded by a short {@code fetch.max.wait.ms}.
 */
final class RelayLag implements AutoCloseable {

    /** The lag's percentiles in ms, over the events committed at or after the measurement's start. */
    record Percentiles(long count, long p50, long p95, long p99, long max) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private long[] lags = new long[1 << 16];
    private long[] sourceTimes = new long[1 << 16];
    private int received;

    RelayLag(String bootstrapServers, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-relay-lag-" + UUID.randomUUID());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(c);
        consumer.subscribe(List.of(topic));
    }

    /** Polls once, recording each event's lag. */
    void poll() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(5));
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Header ts = r.headers().lastHeader(EventHeaders.SOURCE_TS_MS);
            long sourceTs = Long.parseLong(new String(ts.value(), java.nio.charset.StandardCharsets.UTF_8));
            if (received == lags.length) {
                lags = Arrays.copyOf(lags, received * 2);
                sourceTimes = Arrays.copyOf(sourceTimes, received * 2);
            }
            lags[received] = now - sourceTs;
            sourceTimes[received] = sourceTs;
            received++;
        }
    }

    long received() {
        return received;
    }

    /** Over the events whose source commit is at or after {@code fromEpochMillis}. */
    Percentiles since(long fromEpochMillis) {
        long[] window = new long[received];
        int n = 0;
        for (int i = 0; i < received; i++) {
            if (sourceTimes[i] >= fromEpochMillis) {
                window[n++] = lags[i];
            }
        }
        long[] sorted = Arrays.copyOf(window, n);
        Arrays.sort(sorted);
        return new Percentiles(n, at(sorted, 50), at(sorted, 95), at(sorted, 99), n == 0 ? -1 : sorted[n - 1]);
    }

    private static long at(long[] sorted, int percent) {
        return sorted.length == 0 ? -1 : sorted[(int) Math.max(0, Math.ceil(percent / 100.0 * sorted.length) - 1)];
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
