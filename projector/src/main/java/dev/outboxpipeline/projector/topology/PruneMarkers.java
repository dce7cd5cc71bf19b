package dev.outboxpipeline.projector.topology;

import dev.outboxpipeline.projector.model.Row;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops a table's deletion markers once they are older (by their event's source time) than the
 * retention. A marker keeps an older event from bringing a deleted row back; past the topics' tombstone
 * retention no such event is left to replay, so it only costs memory. Deleting it from the store writes
 * a tombstone to the store's changelog, which compaction then drops too. Reads no records: it only
 * punctuates, on wall-clock time.
 */
final class PruneMarkers<V, R extends Row> implements Processor<String, V, Void, Void> {

    static final Duration EVERY = Duration.ofHours(1);

    private final String storeName;
    private final Duration retention;
    private TimestampedKeyValueStore<String, R> store;

    PruneMarkers(String storeName, Duration retention) {
        this.storeName = storeName;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        Duration every = EVERY.compareTo(retention) < 0 ? EVERY : retention;
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::prune);
    }

    @Override
    public void process(Record<String, V> record) {
        // nothing: the records only carry this processor into the store's task
    }

    private void prune(long now) {
        long before = now - retention.toMillis();
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<R>> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, ValueAndTimestamp<R>> e = all.next();
                R row = e.value == null ? null : e.value.value();
                if (row != null && row.deleted() && row.sourceTsMs() < before) {
                    old.add(e.key);
                }
            }
        }
        old.forEach(store::delete);
    }
}
