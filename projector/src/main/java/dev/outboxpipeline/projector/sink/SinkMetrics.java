package dev.outboxpipeline.projector.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink writer's meters. Operators and the benchmarks read the same ones: {@code projector.event.lag}
 * is the end-to-end lag from the source commit to the sink commit.
 */
public final class SinkMetrics {

    public static final String BATCH_APPLY = "projector.batch.apply";
    public static final String EVENT_LAG = "projector.event.lag";
    public static final String ROWS_APPLIED = "projector.rows.apply";
    public static final String FAILURES = "projector.sink.failures";
    public static final String DEAD_LETTERS = "projector.sink.dead.letters";
    public static final String RECORDS_BEHIND = "projector.sink.lag";

    private final Timer batchApply;
    private final Timer eventLag;
    private final Counter rowsApplied;
    private final Counter failures;
    private final Counter deadLetters;
    private final AtomicLong recordsBehind = new AtomicLong();

    SinkMetrics(MeterRegistry registry) {
        this.batchApply = Timer.builder(BATCH_APPLY).description("time to apply one batch to the sink")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.eventLag = Timer.builder(EVENT_LAG).description("end-to-end lag: source commit (source-ts-ms) to sink commit")
                .publishPercentiles(0.5, 0.95, 0.99).percentilePrecision(2) // ms resolution up to seconds
                // cumulative buckets: Prometheus can aggregate instances, a benchmark can diff two moments
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
        this.rowsApplied = Counter.builder(ROWS_APPLIED).description("read-model changes applied to the sink")
                .register(registry);
        this.failures = Counter.builder(FAILURES).description("sink transactions that failed and were retried")
                .register(registry);
        this.deadLetters = Counter.builder(DEAD_LETTERS)
                .description("read-model records the sink rejected or could not decode, sent to projector.dlq")
                .register(registry);
        Gauge.builder(RECORDS_BEHIND, recordsBehind, AtomicLong::get)
                .description("records of readmodel.* not yet applied to the sink").register(registry);
    }

    void batchApplied(long nanos, int rows) {
        batchApply.record(nanos, TimeUnit.NANOSECONDS);
        rowsApplied.increment(rows);
    }

    void changeCommitted(long lagMs) {
        eventLag.record(lagMs, TimeUnit.MILLISECONDS);
    }

    void failed() {
        failures.increment();
    }

    void deadLettered(int n) {
        deadLetters.increment(n);
    }

    void recordsBehind(long n) {
        recordsBehind.set(n);
    }

    long recordsBehind() {
        return recordsBehind.get();
    }
}
