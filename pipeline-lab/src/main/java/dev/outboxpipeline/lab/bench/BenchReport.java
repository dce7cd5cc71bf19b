package dev.outboxpipeline.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every figure of a benchmark run, as {@code bench all} writes it: results.json beside the charts. A rate carries
 * the peak resident memory of the process that achieved it, where the benchmark can read it.
 */
final class BenchReport {

    /** One figure; {@code peakRssMiB} -1 and {@code rssOf} null where not measured. */
    record Figure(String bench, String name, double value, String unit, long peakRssMiB, String rssOf) {
    }

    /** End-to-end lag samples of one steady run: when each sink change was applied (ms into the measurement) and its lag. */
    record LagRun(String name, long[] atMillis, long[] lagMillis, long p50, long p95, long p99, long max) {
    }

    private final Instant started = Instant.now();
    private final Machine.Load loadBefore = Machine.load();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<LagRun> lagRuns = new ArrayList<>();

    synchronized void setting(String bench, String name, Object value) {
        settings.put(bench + "." + name, value);
    }

    synchronized void figure(String bench, String name, double value, String unit) {
        figures.add(new Figure(bench, name, value, unit, -1, null));
    }

    synchronized void rate(String bench, String name, double value, String unit, long peakRssMiB, String rssOf) {
        figures.add(new Figure(bench, name, value, unit, peakRssMiB, rssOf));
    }

    /** A latency's percentiles, as figures in ms named {@code "<name> p50"}, {@code p95}, {@code p99} and {@code max}. */
    synchronized void latency(String bench, String name, long p50, long p95, long p99, long max) {
        figures.add(new Figure(bench, name + " p50", p50, "ms", -1, null));
        figures.add(new Figure(bench, name + " p95", p95, "ms", -1, null));
        figures.add(new Figure(bench, name + " p99", p99, "ms", -1, null));
        figures.add(new Figure(bench, name + " max", max, "ms", -1, null));
    }

    synchronized void lag(LagRun run) {
        lagRuns.add(run);
    }

    synchronized List<Figure> figures() {
        return List.copyOf(figures);
    }

    synchronized List<LagRun> lagRuns() {
        return List.copyOf(lagRuns);
    }

    Machine.Load loadBefore() {
        return loadBefore;
    }

    /** Writes results.json into {@code dir}. */
    synchronized Path writeJson(Path dir, Machine.Load loadAfter) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("started", started.toString());
        json.put("finished", Instant.now().toString());
        json.put("machine", Map.of("cores", loadBefore.cores(), "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "loadBefore", List.of(loadBefore.one(), loadBefore.five(), loadBefore.fifteen()),
                "loadAfter", List.of(loadAfter.one(), loadAfter.five(), loadAfter.fifteen())));
        json.put("settings", settings);
        json.put("figures", figures);
        List<Map<String, Object>> lags = new ArrayList<>();
        for (LagRun r : lagRuns) {
            List<long[]> samples = new ArrayList<>();
            for (int i = 0; i < r.atMillis().length; i++) {
                samples.add(new long[] {r.atMillis()[i], r.lagMillis()[i]});
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("name", r.name());
            run.put("p50Ms", r.p50());
            run.put("p95Ms", r.p95());
            run.put("p99Ms", r.p99());
            run.put("maxMs", r.max());
            run.put("samples", samples);
            run.put("samplesAre", "[ms since the measurement started, end-to-end lag in ms], one per sink change");
            lags.add(run);
        }
        json.put("lag", lags);
        Path file = dir.resolve("results.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        return file;
    }
}
