package dev.outboxpipeline.lab.chaos;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChaosReportTest {

    private static ChaosReport report(List<String> unexpectedExits) {
        HistoryReport clean = new HistoryReport(10, 10, 10, 0, List.of(), 0, List.of(), 0, List.of(), 0, List.of(),
                0, List.of());
        return new ChaosReport(1, 60, 1, true, List.of(), List.of(), List.of(), 10, 10, 10, clean, true, "equal",
                List.of(), 0, List.of(), unexpectedExits, List.of(), Map.of());
    }

    // Regression: a projector that exited in a sink outage was restarted by the run and the run still passed.
    @Test
    void aServiceThatExitedOnItsOwnFailsTheRun() {
        assertThat(report(List.of()).passed()).isTrue();
        assertThat(report(List.of("+120s projector-a exited on its own (see projector-a.log); restarted")).passed())
                .isFalse();
    }
}
