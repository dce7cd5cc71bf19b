package dev.outboxpipeline.projector.analytics;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Passes each window's running value on as not final, keeps it as pending, and once every input
 * partition's watermark has passed the window's close plus the grace, sends it again marked final
 * (the equivalent of {@code suppress(untilWindowCloses)}, closed by the watermarks of all input
 * partitions instead of this task's stream time). A removed window (a session merged into another)
 * goes on as a tombstone, so the sink deletes its row.
 */
final class Finaliser<V, R extends WindowRow<R>> implements Processor<Windowed<String>, V, String, R> {

    static final Duration CHECK = Duration.ofSeconds(1);

    private final String pendingStore;
    private final String watermarkStore;
    private final int partitions;
    private final long graceMs;
    private final Function<Windowed<String>, String> id;
    private final BiFunction<Windowed<String>, V, R> running;
    private ProcessorContext<String, R> context;
    private KeyValueStore<String, R> pending;
    private KeyValueStore<Integer, Long> watermarks;

    Finaliser(String pendingStore, String watermarkStore, int partitions, Duration grace,
              Function<Windowed<String>, String> id, BiFunction<Windowed<String>, V, R> running) {
        this.pendingStore = pendingStore;
        this.watermarkStore = watermarkStore;
        this.partitions = partitions;
        this.graceMs = grace.toMillis();
        this.id = id;
        this.running = running;
    }

    @Override
    public void init(ProcessorContext<String, R> context) {
        this.context = context;
        this.pending = context.getStateStore(pendingStore);
        this.watermarks = context.getStateStore(watermarkStore);
        context.schedule(CHECK, PunctuationType.WALL_CLOCK_TIME, now -> finalise());
    }

    @Override
    public void process(Record<Windowed<String>, V> record) {
        String rowId = id.apply(record.key());
        if (record.value() == null) {
            pending.delete(rowId);
            context.forward(new Record<String, R>(rowId, null, record.timestamp()));
            return;
        }
        R row = running.apply(record.key(), record.value());
        pending.put(rowId, row);
        context.forward(new Record<>(rowId, row, record.timestamp()));
    }

    private void finalise() {
        long closed = WatermarkSplitter.lowest(watermarks, partitions);
        if (closed == Long.MIN_VALUE) {
            return;
        }
        List<Record<String, R>> finals = new ArrayList<>();
        try (KeyValueIterator<String, R> all = pending.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.closesAtMs() + graceMs <= closed) {
                    finals.add(new Record<>(kv.key, kv.value.asFinal(), kv.value.closesAtMs()));
                }
            });
        }
        for (Record<String, R> f : finals) {
            pending.delete(f.key());
            context.forward(f);
        }
    }
}
