package dev.outboxpipeline.lab.chaos;

import dev.outboxpipeline.config.Env;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short chaos run CI makes: every kind of fault that applies to one broker, a few minutes of the writer's load,
 * then the independent history check. The report lands in target/chaos-it for a failed build to show.
 */
class ChaosIT {

    /** A seed whose schedule holds every fault that applies to one broker within the short run. */
    static final long SEED = 1;
    static final Duration DURATION = Duration.ofMinutes(3);
    static final double FAULTS_PER_MINUTE = ChaosOptions.DEFAULT_FAULT_RATE;

    @Test
    void shouldKeepEveryPromiseUnderEveryFaultOfTheShortSchedule() {
        Path dir = Path.of("target", "chaos-it").toAbsolutePath();
        ChaosCommand.quietInProcessLogs();
        ChaosReport report = ChaosRun.run(new ChaosOptions(DURATION, FAULTS_PER_MINUTE, SEED, dir, 1, 10),
                Env.of(Map.of()), System.out::println);
        ChaosCommand.write(report, dir);
        String lines = String.join("\n", report.lines());
        System.out.println(lines);

        assertThat(report.faults().stream().map(InjectedFault::fault).collect(Collectors.toSet()))
                .as("the short schedule covers every kind").containsAll(EnumSet.complementOf(EnumSet.of(Fault.BROKER_KILL_LEADER)));
        assertThat(report.written()).isGreaterThan(500);
        assertThat(report.passed()).as(lines).isTrue();
    }
}
