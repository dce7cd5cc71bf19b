package dev.outboxpipeline.lab.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The table {@code bench all} ends with, from a report filled by hand: every goal's figure, measured or not. */
class BenchSummaryTest {

    @Test
    void everyFigureOfTheGoalsIsARowWithItsValuePeakRssAndGoal() {
        BenchReport report = new BenchReport();
        report.rate(BenchReport.RELAY, BenchReport.RELAY_DRAIN, 14_691, "events/s", 480, "relay process");
        report.figure(BenchReport.RELAY, BenchReport.RELAY_CPU_PER_EVENT, 0.071, "ms");
        report.rate(BenchReport.RELAY, BenchReport.ENGINE_ALONE, 23_294, "events/s", 410, "engine process");
        report.figure(BenchReport.RELAY, BenchReport.relayLag(1_000, 50), 21, "ms");
        report.figure(BenchReport.RELAY, BenchReport.relayLag(1_000, 99), 44, "ms");
        report.ran(BenchReport.RELAY);
        report.rate(BenchReport.PROJECTOR, BenchReport.PROJECTOR_CATCH_UP, 5_764, "events/s", 900, "bench JVM, broker included");
        report.rate(BenchReport.PROJECTOR, BenchReport.SINK_ALONE, 45_222, "rows/s", 950, "bench JVM, broker included");
        report.lag(new BenchReport.LagRun("1000 events/s, commit interval 50 ms", new long[0], new long[0], 180, 331, 447, 613));
        report.ran(BenchReport.PROJECTOR);

        List<String> lines = BenchSummary.table(report).lines().toList();

        assertThat(lines).hasSize(2 + 12);
        assertThat(lines.get(0)).isEqualTo("| figure | value | peak RSS | goal |");
        assertThat(lines).allSatisfy(l -> assertThat(l.replace("\\|", "").chars().filter(c -> c == '|').count())
                .as("four cells: " + l).isEqualTo(5));
        assertThat(row(lines, "relay drain")).contains("| 14,691 events/s, 0.071 ms CPU per event |")
                .contains("| 480 MiB (relay process) |").contains("≥ 1.5× the peer");
        assertThat(row(lines, "the peer")).contains("not measured: measured by hand").contains("docs/benchmarks.md");
        assertThat(row(lines, "Debezium's engine alone")).contains("23,294 events/s").contains("relay = 0.63 of it")
                .contains("410 MiB (engine process)").endsWith("relay ≥ 0.85 of it (not met) |");
        assertThat(row(lines, "projector catch-up")).contains("5,764 events/s").contains("900 MiB (bench JVM, broker included)")
                .endsWith("≥ 15,000 events/s (not met) |");
        assertThat(row(lines, "end-to-end lag")).contains("p50 180, p95 331, **p99 447**, max 613 ms").contains("(not met)");
        assertThat(row(lines, "relay lag, source commit to Kafka commit, 1,000")).contains("p50 21, **p99 44** ms")
                .endsWith("p99 < 50 ms (met) |");
        assertThat(row(lines, "sink writer alone")).contains("45,222 rows/s").contains("950 MiB");
        assertThat(row(lines, "relay memory")).contains("| 480 MiB | relay process |").endsWith("peak RSS ≤ 512 MiB (met) |");
        assertThat(row(lines, "projector memory")).contains("| 900 MiB, its max heap " + report.maxHeapMiB() + " MiB |");
    }

    @Test
    void aFigureNotMeasuredSaysWhyInsteadOfDisappearing() {
        BenchReport report = new BenchReport();
        report.rate(BenchReport.RELAY, BenchReport.RELAY_DRAIN, 14_691, "events/s", -1, null);
        report.ran(BenchReport.RELAY);
        report.failed(BenchReport.PROJECTOR, "exit code 1; its output above says why");

        List<String> lines = BenchSummary.table(report).lines().toList();

        assertThat(lines).hasSize(2 + 12);
        assertThat(row(lines, "relay drain")).contains("| 14,691 events/s |  |");
        assertThat(row(lines, "Debezium's engine alone")).contains("not measured: bench relay does not measure the engine alone yet");
        assertThat(row(lines, "relay lag, source commit to Kafka commit, 5,000")).contains("not measured: bench relay does not measure its lag yet");
        assertThat(row(lines, "relay memory")).contains("not measured: bench relay could not read the relay's peak RSS");
        assertThat(row(lines, "projector catch-up")).contains("not measured: bench projector failed (exit code 1; its output above says why)");
        assertThat(row(lines, "end-to-end lag")).contains("not measured: bench projector failed");
        assertThat(row(lines, "the highest sustained rate")).contains("not measured: bench line did not run");
        assertThat(row(lines, "a writer backlog")).contains("not measured: bench backlog did not run");
    }

    private static String row(List<String> lines, String figure) {
        List<String> found = lines.stream().filter(l -> l.startsWith("| ") && l.substring(2).startsWith(figure)).toList();
        assertThat(found).as("the row of " + figure).hasSize(1);
        return found.get(0);
    }
}
