package dev.outboxpipeline.lab.demo;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The projector's end-to-end lag meter ({@code projector.event.lag}) as cumulative buckets, so that the demo can
 * tell the lag of one stretch of the run (start-up, steady state) from the rest: the meter's own percentiles
 * cover a sliding window that mixes both. Readings are bucket bounds: "p99 at most 120 ms".
 */
public record LagHistogram(long count, double[] boundsMillis, double[] cumulative) {

    public static final String METER = "projector.event.lag";

    /** Gives the lag meter buckets; call before the projector registers it. */
    public static void enableOn(MeterRegistry registry) {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals(METER) ? DistributionStatisticConfig.builder().percentilesHistogram(true)
                        .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                        .maximumExpectedValue((double) Duration.ofMinutes(5).toNanos()).build().merge(config) : config;
            }
        });
    }

    public static LagHistogram read(MeterRegistry registry) {
        Timer timer = registry.find(METER).timer();
        if (timer == null) {
            return new LagHistogram(0, new double[0], new double[0]);
        }
        var snapshot = timer.takeSnapshot();
        CountAtBucket[] buckets = snapshot.histogramCounts();
        double[] bounds = new double[buckets.length];
        double[] counts = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
            counts[i] = buckets[i].count();
        }
        return new LagHistogram(snapshot.count(), bounds, counts);
    }

    /** The changes applied after {@code earlier} was read. */
    public LagHistogram since(LagHistogram earlier) {
        if (earlier.cumulative.length != cumulative.length) {
            return this;
        }
        double[] counts = new double[cumulative.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = cumulative[i] - earlier.cumulative[i];
        }
        return new LagHistogram(count - earlier.count, boundsMillis, counts);
    }

    /** The bound (ms) that the fraction {@code p} of the lags stayed within; NaN without changes; +Inf beyond the last bucket. */
    public double percentileMillis(double p) {
        if (count <= 0) {
            return Double.NaN;
        }
        for (int i = 0; i < cumulative.length; i++) {
            if (cumulative[i] >= p * count) {
                return boundsMillis[i];
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
