package dev.outboxpipeline.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code bench all} writes, from figures made up here: results.json and the PNG charts (no servers). */
class BenchReportTest {

    @Test
    void writesEveryFigureWithTheMachinesLoadAndCoresAndDrawsTheCharts() throws Exception {
        BenchReport report = new BenchReport();
        report.rate("relay", "drain", 4_100, "events/s", 480, "relay process");
        report.rate("projector", "catch-up", 3_000, "events/s", 900, "bench JVM, broker included");
        report.rate("bootstrap", "replay", 30_000, "rows/s", 950, "bench JVM, broker included");
        report.figure("relay", "CPU per event", 0.2, "ms");
        long[] at = new long[500];
        long[] lag = new long[500];
        for (int i = 0; i < at.length; i++) {
            at[i] = i * 20L;
            lag[i] = 100 + (i % 50) * 4 + (i % 97 == 0 ? 600 : 0);
        }
        report.lag(new BenchReport.LagRun("1000 events/s, commit interval 50 ms", at, lag, 200, 290, 700, 796));
        Path dir = Files.createDirectories(Path.of("target", "bench-report-test"));

        JsonNode json = new ObjectMapper().readTree(report.writeJson(dir, Machine.load()).toFile());
        List<Path> charts = BenchCharts.write(report, dir);

        assertThat(json.at("/machine/cores").asInt()).isPositive();
        assertThat(json.at("/machine/loadBefore")).hasSize(3);
        assertThat(json.get("figures")).hasSize(4);
        assertThat(json.at("/figures/0/peakRssMiB").asLong()).isEqualTo(480);
        assertThat(json.at("/lag/0/p99Ms").asLong()).isEqualTo(700);
        assertThat(json.at("/lag/0/samples")).hasSize(500);
        assertThat(charts).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
                "lag-over-time-1000-events-s-commit-interval-50-ms.png",
                "lag-histogram-1000-events-s-commit-interval-50-ms.png", "rates.png");
        for (Path chart : charts) {
            assertThat(Files.size(chart)).as(chart.toString()).isGreaterThan(10_000);
        }
    }
}
