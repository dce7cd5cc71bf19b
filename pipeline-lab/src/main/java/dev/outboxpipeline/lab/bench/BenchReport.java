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
import java.util.Optional;

/**
 * Every figure of a benchmark run, as {@code bench all} writes it: results.json beside the charts. A rate carries
 * the peak resident memory of the process that achieved it, where the benchmark can read it.
 */
final class BenchReport {

    // The benchmarks and the names of the figures the speed goals name (BenchSummary's table reads them).
    static final String WRITER = "writer";
    static final String RELAY = "relay";
    static final String PROJECTOR = "projector";
    static final String BOOTSTRAP = "bootstrap";
    static final String LINE = "line";
    static final String BACKLOG = "backlog";
    /** events/s of the relay draining its backlog, with the relay process's peak RSS. */
    static final String RELAY_DRAIN = "drain";
    /** ms of the relay process's CPU per event of the drain. */
    static final String RELAY_CPU_PER_EVENT = "CPU per event";
    /** events/s of Debezium's engine alone on the same backlog, a consumer that does nothing, with its peak RSS. */
    static final String ENGINE_ALONE = "engine alone drain";
    /** ms of the engine's CPU per event. */
    static final String ENGINE_CPU_PER_EVENT = "engine alone CPU per event";
    /** events/s of the projector catching up a backlog, with the peak RSS of its JVM. */
    static final String PROJECTOR_CATCH_UP = "catch-up";
    /** rows/s of the sink writer alone replaying the read-model topics. */
    static final String SINK_ALONE = "sink writer alone";
    /** events/s of the projector on a writer's backlog, from its first sink row until the sink equals the source. */
    static final String BACKLOG_PROJECTOR = "projector on a writer backlog";
    /** events/s of the relay draining that same backlog from the WAL, first to last record. */
    static final String BACKLOG_RELAY = "relay on a writer backlog";
    /** events/s: the highest writer rate at which the end-to-end lag p99 stays under 1 s and no backlog grows. */
    static final String LINE_SUSTAINED = "highest sustained rate";

    /**
     * The name of a relay lag percentile (ms, source commit to Kafka commit) at a steady rate, {@code relayLag(1000, 99)}:
     * "lag at 1000 events/s p99", as bench relay names its lag percentiles (the latency's name, then " p50", " p99").
     */
    static String relayLag(int eventsPerSecond, int percentile) {
        return "lag at " + eventsPerSecond + " events/s p" + percentile;
    }

    /** One figure; {@code peakRssMiB} -1 and {@code rssOf} null where not measured. */
    record Figure(String bench, String name, double value, String unit, long peakRssMiB, String rssOf) {
    }

    /** End-to-end lag samples of one steady run: when each sink change was applied (ms into the measurement) and its lag. */
    record LagRun(String name, long[] atMillis, long[] lagMillis, long p50, long p95, long p99, long max) {
    }

    private final Instant started = Instant.now();
    private final Machine.Load loadBefore = Machine.load();
    private final long maxHeapMiB = Runtime.getRuntime().maxMemory() >> 20;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<LagRun> lagRuns = new ArrayList<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final java.util.Set<String> ran = new java.util.LinkedHashSet<>();

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

    /** {@code bench} ran (its figures may still be missing). */
    synchronized void ran(String bench) {
        ran.add(bench);
    }

    /** {@code bench} failed: its missing figures say why. */
    synchronized void failed(String bench, String reason) {
        ran.add(bench);
        failures.put(bench, reason);
    }

    synchronized boolean didRun(String bench) {
        return ran.contains(bench);
    }

    synchronized Optional<String> failure(String bench) {
        return Optional.ofNullable(failures.get(bench));
    }

    /** The last figure of that name, if reported. */
    synchronized Optional<Figure> figure(String bench, String name) {
        Figure found = null;
        for (Figure f : figures) {
            if (f.bench().equals(bench) && f.name().equals(name)) {
                found = f;
            }
        }
        return Optional.ofNullable(found);
    }

    synchronized List<Figure> figures() {
        return List.copyOf(figures);
    }

    synchronized List<LagRun> lagRuns() {
        return List.copyOf(lagRuns);
    }

    /** The max heap of this JVM: the bench JVM's, which holds the broker and the benchmarks that run in it. */
    long maxHeapMiB() {
        return maxHeapMiB;
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
                "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"), "benchJvmMaxHeapMiB", maxHeapMiB,
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
