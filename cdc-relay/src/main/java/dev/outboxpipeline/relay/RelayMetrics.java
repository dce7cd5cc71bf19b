package dev.outboxpipeline.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The relay's meters: events relayed, batches (Kafka transactions), commit latency, committed LSN, slot lag. */
final class RelayMetrics {

    private final Counter events;
    private final Counter batches;
    private final Counter deadLetters;
    private final Timer commitLatency;
    private final AtomicLong committedLsn = new AtomicLong(-1);
    private final AtomicLong relayed = new AtomicLong();

    RelayMetrics(MeterRegistry registry, Supplier<Number> slotLagBytes) {
        events = Counter.builder("relay.events.relayed").description("outbox events committed to Kafka (dead letters included)")
                .register(registry);
        batches = Counter.builder("relay.batches.committed").description("Kafka transactions committed").register(registry);
        deadLetters = Counter.builder("relay.deadletters.sent").description("outbox events sent to outbox.dlq").register(registry);
        commitLatency = Timer.builder("relay.kafka.commit").description("time to flush and commit one Kafka transaction")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("relay.lsn.committed", committedLsn, AtomicLong::get)
                .description("source commit LSN of the last Kafka transaction (decimal)").register(registry);
        Gauge.builder("relay.slot.lag", () -> slotLagBytes.get()).baseUnit("bytes")
                .description("WAL the source keeps for the slot: current LSN minus confirmed flush LSN").register(registry);
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
