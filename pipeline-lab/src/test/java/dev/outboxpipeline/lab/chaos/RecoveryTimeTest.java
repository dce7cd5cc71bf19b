package dev.outboxpipeline.lab.chaos;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecoveryTimeTest {

    private static List<LagProbe.Sample> lag(long... msPerSecond) {
        List<LagProbe.Sample> samples = new ArrayList<>();
        for (int i = 0; i < msPerSecond.length; i++) {
            samples.add(new LagProbe.Sample(i * 1000L, msPerSecond[i]));
        }
        return samples;
    }

    private static InjectedFault fault(long startMs, long endMs) {
        return new InjectedFault(Fault.RELAY_KILL, "relay-a", startMs, endMs, -1, "", -1);
    }

    @Test
    void shouldMeasureUntilTheLagStaysUnderASecond() {
        // a dip under a second at 4 s is not a recovery: the lag must stay under for five seconds
        List<LagProbe.Sample> samples = lag(100, 100, 3000, 4000, 200, 5000, 300, 300, 300, 300, 300, 300, 300);
        assertThat(ChaosRun.recovery(fault(1000, 1000), samples, 0)).isEqualTo(5000);
    }

    @Test
    void shouldCountFromTheEndOfAnOutage() {
        List<LagProbe.Sample> samples = lag(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100);
        assertThat(ChaosRun.recovery(fault(1000, 4000), samples, 0)).isEqualTo(3000);
    }

    @Test
    void shouldSayWhenTheLineNeverSettled() {
        assertThat(ChaosRun.recovery(fault(0, 0), lag(100, 2000, 3000, 4000), 0)).isEqualTo(-1);
    }
}
