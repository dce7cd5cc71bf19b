package dev.outboxpipeline.lab.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** One reading of the line's counters: what was written, relayed and projected, and the lags. */
public record PipelineStatus(long written, long relayed, long rowsApplied, double streamsBehind, double sinkBehind,
                      double lagP99Millis, long atNanos) {

    public static PipelineStatus read(LongSupplier written, LocalPipeline p) {
        var metrics = p.projectorMetrics();
        Counter rows = metrics.find("projector.rows.apply").counter();
        Gauge streams = metrics.find("projector.events.lag").gauge();
        Gauge sink = metrics.find("projector.sink.lag").gauge();
        Timer lag = metrics.find("projector.event.lag").timer();
        double p99 = Double.NaN;
        if (lag != null) {
            for (ValueAtPercentile v : lag.takeSnapshot().percentileValues()) {
                if (v.percentile() == 0.99) {
                    p99 = v.value(TimeUnit.MILLISECONDS);
                }
            }
        }
        return new PipelineStatus(written.getAsLong(), p.relay().eventsRelayed(),
                rows == null ? 0 : (long) rows.count(),
                streams == null ? Double.NaN : streams.value(), sink == null ? Double.NaN : sink.value(), p99, System.nanoTime());
    }

    /** Everything written has been relayed, processed by Streams and applied to the sink (NaN: not started). */
    public boolean caughtUp() {
        // rows applied: before its consumers fetch, a starting projector reports nothing behind
        return relayed >= written && rowsApplied > 0 && streamsBehind == 0 && sinkBehind == 0;
    }

    /**
     * The start-up backlog is gone: every stage is less than a second of the load behind, and the sink applies
     * rows at the load's pace (a projector still joining its group reports nothing behind, and applies nothing).
     */
    public boolean keepingPace(PipelineStatus earlier) {
        double perSecond = Math.max(1, rate(written, earlier.written, earlier));
        return rate(rowsApplied, earlier.rowsApplied, earlier) >= perSecond / 2
                && written - relayed < perSecond && streamsBehind < perSecond && sinkBehind < perSecond;
    }

    public double rate(long now, long before, PipelineStatus earlier) {
        double seconds = (atNanos - earlier.atNanos) / 1e9;
        return seconds <= 0 ? 0 : (now - before) / seconds;
    }
}
