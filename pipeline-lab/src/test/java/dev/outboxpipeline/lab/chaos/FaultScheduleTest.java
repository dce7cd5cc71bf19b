package dev.outboxpipeline.lab.chaos;

import dev.outboxpipeline.lab.chaos.FaultSchedule.PlannedFault;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FaultScheduleTest {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    @Test
    void shouldReplayTheSameScheduleFromTheSameSeed() {
        assertThat(FaultSchedule.plan(42, TEN_MINUTES, 4, 3, true))
                .isEqualTo(FaultSchedule.plan(42, TEN_MINUTES, 4, 3, true));
        assertThat(FaultSchedule.plan(42, TEN_MINUTES, 4, 3, true).faults())
                .isNotEqualTo(FaultSchedule.plan(43, TEN_MINUTES, 4, 3, true).faults());
    }

    @Test
    void shouldPlanAtLeastFortyFaultsOfEveryKindInTenMinutes() {
        List<PlannedFault> faults = FaultSchedule.plan(7, TEN_MINUTES, ChaosOptions.DEFAULT_FAULT_RATE, 3, true).faults();
        assertThat(faults).hasSizeGreaterThanOrEqualTo(40);
        assertThat(faults.stream().map(PlannedFault::fault)).containsAll(EnumSet.allOf(Fault.class));
    }

    @Test
    void shouldSpaceFaultsTenSecondsApartAndASessionTimeoutApartPerService() {
        for (long seed = 0; seed < 50; seed++) {
            List<PlannedFault> faults = FaultSchedule.plan(seed, TEN_MINUTES, 6, 3, true).faults();
            Map<String, Duration> serviceFree = new HashMap<>();
            for (int i = 0; i < faults.size(); i++) {
                PlannedFault f = faults.get(i);
                if (i > 0) {
                    assertThat(f.at().minus(faults.get(i - 1).at())).isGreaterThanOrEqualTo(ChaosTimeouts.MIN_GAP);
                }
                assertThat(f.at()).isGreaterThanOrEqualTo(serviceFree.getOrDefault(f.fault().service(), Duration.ZERO));
                serviceFree.put(f.fault().service(), f.at().plus(f.fault().lasts()).plus(ChaosTimeouts.sessionTimeout(f.fault().service())));
                assertThat(f.at()).isBetween(FaultSchedule.WARM_UP, TEN_MINUTES.minus(FaultSchedule.QUIET_END));
            }
        }
    }

    @Test
    void shouldKillABrokerLeaderOnlyWithThreeBrokers() {
        assertThat(FaultSchedule.plan(1, TEN_MINUTES, 4, 1, true).faults())
                .extracting(PlannedFault::fault).doesNotContain(Fault.BROKER_KILL_LEADER).contains(Fault.BROKER_RESTART);
    }

    @Test
    void shouldHitOnlyRelaysAndProjectorsOnEndpointsFromTheEnvironment() {
        assertThat(FaultSchedule.plan(1, TEN_MINUTES, 4, 1, false).faults())
                .extracting(f -> f.fault().service()).containsOnly("relay", "projector");
    }
}
