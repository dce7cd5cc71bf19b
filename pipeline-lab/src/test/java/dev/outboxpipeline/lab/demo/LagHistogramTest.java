package dev.outboxpipeline.lab.demo;

import dev.outboxpipeline.ops.ServiceHttp;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's summary told start-up and steady state apart: "p99 5,368 ms (start-up included)" read as a slow product. */
class LagHistogramTest {

    @Test
    void tellsTheSteadyStateApartFromAStartUpBacklog() {
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        LagHistogram.enableOn(registry);
        Timer lag = Timer.builder(LagHistogram.METER).publishPercentiles(0.5, 0.99).register(registry);

        for (int i = 0; i < 100; i++) {
            lag.record(Duration.ofSeconds(5)); // the backlog of start-up
        }
        LagHistogram startUp = LagHistogram.read(registry);
        for (int i = 0; i < 1_000; i++) {
            lag.record(Duration.ofMillis(i % 100 == 99 ? 200 : 40));
        }
        LagHistogram steady = LagHistogram.read(registry).since(startUp);

        assertThat(startUp.count()).isEqualTo(100);
        assertThat(startUp.percentileMillis(0.99)).isBetween(5_000.0, 6_000.0);
        assertThat(steady.count()).isEqualTo(1_000);
        assertThat(steady.percentileMillis(0.5)).isBetween(40.0, 50.0);
        assertThat(steady.percentileMillis(0.99)).isBetween(40.0, 50.0);
        assertThat(steady.percentileMillis(0.999)).isBetween(200.0, 250.0);
    }
}
