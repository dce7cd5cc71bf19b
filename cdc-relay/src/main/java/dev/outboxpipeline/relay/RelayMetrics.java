package dev.outboxpipeline.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The relay's meters: events relayed, batches (Kafka transactions), commit latency, committed LSN, and the
 * slot's lag, retained WAL and {@code wal_status} (one gauge per status, 1 for the current one).
 */
final class RelayMetrics {

    /** {@code pg_replication_slots.wal_status} values; {@code lost} means the slot can no longer stream. */
    static final List<String> WAL_STATUSES = List.of("reserved", "extended", "unreserved", "lost");
    private static final long SAMPLE_MILLIS = 1000;

    private final Counter events;
    private final Counter batches;
    private final Counter deadLetters;
    private final Timer commitLatency;
    private final AtomicLong committedLsn = new AtomicLong(-1);
    private final AtomicLong relayed = new AtomicLong();
    private final Supplier<Optional<SourceAdmin.SlotState>> slot;
    private volatile Optional<SourceAdmin.SlotState> sampled = Optional.empty();
    private volatile long sampledAt;

    RelayMetrics(MeterRegistry registry, Supplier<Optional<SourceAdmin.SlotState>> slot) {
        this.slot = slot;
        events = Counter.builder("relay.events.relayed").description("outbox events committed to Kafka (dead letters included)")
                .register(registry);
        batches = Counter.builder("relay.batches.committed").description("Kafka transactions committed").register(registry);
        deadLetters = Counter.builder("relay.deadletters.sent").description("outbox events sent to outbox.dlq").register(registry);
        commitLatency = Timer.builder("relay.kafka.commit").description("time to flush and commit one Kafka transaction")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("relay.lsn.committed", committedLsn, AtomicLong::get)
                .description("source commit LSN of the last Kafka transaction (decimal)").register(registry);
        Gauge.builder("relay.slot.lag", () -> slotValue(SourceAdmin.SlotState::lagBytes)).baseUnit("bytes")
                .description("WAL the source keeps for the slot: current LSN minus confirmed flush LSN").register(registry);
        Gauge.builder("relay.slot.retained", () -> slotValue(SourceAdmin.SlotState::retainedBytes)).baseUnit("bytes")
                .description("WAL the slot pins on the source: current LSN minus restart LSN").register(registry);
        for (String status : WAL_STATUSES) {
            Gauge.builder("relay.slot.wal.status", () -> sample().map(s -> status.equals(s.walStatus()) ? 1 : 0).orElse(0))
                    .tag("status", status)
                    .description("1 for the slot's current pg_replication_slots.wal_status; lost: the slot cannot stream")
                    .register(registry);
        }
    }

    private Number slotValue(Function<SourceAdmin.SlotState, Long> value) {
        Optional<SourceAdmin.SlotState> s = sample();
        return s.isPresent() ? (Number) value.apply(s.get()) : (Number) Double.NaN;
    }

    /** One query per scrape, not one per gauge. */
    private Optional<SourceAdmin.SlotState> sample() {
        long now = System.currentTimeMillis();
        if (now - sampledAt > SAMPLE_MILLIS) {
            sampled = slot.get();
            sampledAt = now;
        }
        return sampled;
    }

    void committed(int sent, long commitNanos, Map<String, ?> sourceOffset) {
        events.increment(sent);
        relayed.addAndGet(sent);
        batches.increment();
        commitLatency.record(commitNanos, TimeUnit.NANOSECONDS);
        if (sourceOffset.get("lsn_commit") instanceof Number lsn) {
            committedLsn.set(lsn.longValue());
        }
    }

    void deadLettered() {
        deadLetters.increment();
    }

    long committedLsn() {
        return committedLsn.get();
    }

    long eventsRelayed() {
        return relayed.get();
    }
}
