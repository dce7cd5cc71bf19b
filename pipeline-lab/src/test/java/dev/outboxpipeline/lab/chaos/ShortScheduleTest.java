package dev.outboxpipeline.lab.chaos;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** ChaosIT's seed must keep covering every fault kind when the schedule's rules change. */
class ShortScheduleTest {

    @Test
    void shouldCoverEveryOneBrokerFaultWithTheCiSeed() {
        FaultSchedule s = FaultSchedule.plan(ChaosIT.SEED, ChaosIT.DURATION, ChaosIT.FAULTS_PER_MINUTE, 1, true);
        assertThat(s.faults().stream().map(FaultSchedule.PlannedFault::fault).collect(Collectors.toSet()))
                .as(s.toString()).containsAll(EnumSet.complementOf(EnumSet.of(Fault.BROKER_KILL_LEADER)));
    }
}
