package dev.outboxpipeline.projector.analytics;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Decides lateness where the order is still the relay's, before any repartition: per input partition
 * (one task reads partition p of both event topics, timestamp-synchronised), an event more than the
 * grace behind the newest event time seen is late. Accepted events go on keyed by their customer;
 * late ones are marked. Every {@link #TICK} the partition's watermark goes downstream, where windows
 * close on the lowest watermark of all partitions: a repartition interleaves the partitions unevenly
 * while a backlog drains, so the downstream stream time cannot say when a window is complete.
 *
 * <p>A partition that has seen nothing for a while while the input is caught up (no consumer lag on
 * the event topics: idle, not behind) advances its watermark with the wall clock, less a margin for
 * the relay's own delay, so a quiet line still closes its windows within the grace plus a few
 * seconds. Silence alone is not enough: a task that starts slowly on a backlog would otherwise jump
 * its watermark past all of it and count every event of the backlog as late.
 */
final class LatenessGate implements Processor<String, Activity, String, Activity> {

    static final String WATERMARK_KEY = "~watermark";
    static final Duration TICK = Duration.ofSeconds(1);
    static final Duration IDLE_MARGIN = Duration.ofSeconds(2);
    private static final String KEY = "event-time";

    private final String storeName;
    private final long graceMs;
    private final long idleAfterMs;
    private final Runnable onLate;
    private final BooleanSupplier caughtUp;
    private ProcessorContext<String, Activity> context;
    private KeyValueStore<String, Long> store;
    private long lastRecordAt;
    private long emitted = Long.MIN_VALUE;

    LatenessGate(String storeName, Duration grace, Runnable onLate, BooleanSupplier caughtUp) {
        this.caughtUp = caughtUp;
        this.storeName = storeName;
        this.graceMs = grace.toMillis();
        this.idleAfterMs = Math.max(grace.toMillis(), TICK.multipliedBy(2).toMillis());
        this.onLate = onLate;
    }

    @Override
    public void init(ProcessorContext<String, Activity> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.lastRecordAt = context.currentSystemTimeMs();
        context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, Activity> record) {
        lastRecordAt = context.currentSystemTimeMs();
        Activity activity = record.value();
        long watermark = watermark();
        long ts = record.timestamp();
        if (watermark != Long.MIN_VALUE && ts < watermark - graceMs) {
            onLate.run();
            context.forward(record.withKey(activity.customerId()).withValue(activity.late(watermark - ts)));
            return;
        }
        if (ts > watermark) {
            store.put(KEY, ts);
        }
        context.forward(record.withKey(activity.customerId()));
    }

    private void tick(long now) {
        long watermark = watermark();
        if (now - lastRecordAt >= idleAfterMs && now - IDLE_MARGIN.toMillis() > watermark && caughtUp.getAsBoolean()) {
            watermark = now - IDLE_MARGIN.toMillis();
            store.put(KEY, watermark);
        }
        if (watermark != Long.MIN_VALUE && watermark != emitted) {
            context.forward(new Record<>(WATERMARK_KEY, Activity.watermark(context.taskId().partition(), watermark), watermark));
            emitted = watermark;
        }
    }

    private long watermark() {
        Long w = store.get(KEY);
        return w == null ? Long.MIN_VALUE : w;
    }
}
