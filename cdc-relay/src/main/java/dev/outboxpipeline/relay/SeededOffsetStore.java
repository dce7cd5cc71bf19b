package dev.outboxpipeline.relay;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Debezium's offset store for the relay: it serves the offset the relay read from its offsets topic
 * ({@code read_committed}) before starting the engine, and keeps the engine's later writes in memory
 * only, because the relay already wrote each of them to Kafka in the transaction that published the
 * events. The engine marks an offset processed only after that transaction committed, so what Debezium
 * then flushes to the replication slot is never ahead of Kafka.
 */
public final class SeededOffsetStore implements OffsetBackingStore {

    static final String SEED_KEY = "relay.offset.seed.key";
    static final String SEED_VALUE = "relay.offset.seed.value";

    private final Map<ByteBuffer, ByteBuffer> offsets = new ConcurrentHashMap<>();

    @Override
    public void configure(WorkerConfig config) {
        Map<String, String> originals = config.originalsStrings();
        String key = originals.get(SEED_KEY);
        String value = originals.get(SEED_VALUE);
        if (key != null && !key.isEmpty() && value != null && !value.isEmpty()) {
            offsets.put(bytes(key), bytes(value));
        }
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> found = new HashMap<>();
        for (ByteBuffer key : keys) {
            found.put(key, offsets.get(key));
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        offsets.putAll(values);
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
