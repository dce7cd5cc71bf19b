package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.lab.demo.LagHistogram;
import dev.outboxpipeline.lab.demo.LocalPipeline;
import dev.outboxpipeline.lab.demo.PipelineStatus;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.load.LoadGenerator;
import dev.outboxpipeline.writer.load.LoadReport;
import dev.outboxpipeline.writer.load.LoadSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./pipeline bench line}: the whole line on this machine, as the demo runs it (writer load, both databases
 * with fsync on, broker, relay, projector), at rising write rates. The answer is the highest rate at which the
 * end-to-end lag p99 stays under a second and no backlog grows.
 */
@Command(name = "line", mixinStandardHelpOptions = true,
        header = "The whole line's highest sustained rate: end-to-end lag p99 per write rate.",
        description = {"Starts the whole line on this machine (both PostgreSQL with fsync on unless --fsync off, the broker, the writer's load"
                + " driver, the relay and the projector, in this JVM but PostgreSQL), then writes at each rate of --rates for"
                + " --seconds and reports per step the end-to-end lag (source commit to sink commit: projector.event.lag)"
                + " and whether a backlog grew (the line more than a second of load behind at the step's end). Steps stop at"
                + " the first one the line cannot sustain. The first quarter of each step is not measured.",
                "The answer: the highest rate with lag p99 < 1 s and no backlog growing."})
public final class LineBenchCommand extends ReportingBench {

    private static final Duration SUSTAINED_P99 = Duration.ofSeconds(1);
    private static final Duration CATCH_UP = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration SETTLED = Duration.ofSeconds(2);

    @Option(names = "--rates", split = ",", defaultValue = "500,1000,2000,3000,4000", paramLabel = "R[,R…]",
            description = "Write rates to step through, in transactions/s, about an event each (default ${DEFAULT-VALUE}).")
    private List<Integer> rates;

    @Option(names = "--seconds", defaultValue = "20", description = "Seconds per step (default ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Unmeasured seconds at the first rate first (default ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--clients", defaultValue = "8", description = "Writer clients (connections) (default ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--fsync", defaultValue = "on", paramLabel = "on|off",
            description = "PostgreSQL's fsync: on as in production (default), off to see what the disk costs.")
    private Fsync fsync;

    private enum Fsync { on, off }

    @Option(names = "--keys", defaultValue = "1000", description = "Customers the load works on (default ${DEFAULT-VALUE}).")
    private int keys;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println("machine load before: " + Machine.load());
        report.setting(BenchReport.LINE, "rates", rates);
        report.setting(BenchReport.LINE, "seconds", seconds);
        report.setting(BenchReport.LINE, "clients", clients);
        report.setting(BenchReport.LINE, "fsync", fsync.name());
        AtomicLong written = new AtomicLong();
        // durability as in production unless asked otherwise: the embedded servers run with fsync off by default
        Map<String, String> durability = Map.of("fsync", fsync.name(), "full_page_writes", fsync.name());
        try (LocalPipeline line = LocalPipeline.start(s -> { }, Map.of(), durability);
             LoadGenerator load = LoadGenerator.open(line.sourceSettings(), OutboxOptions.removingRows(), clients,
                     rows -> written.addAndGet(rows.size()))) {
            out.printf("the line runs (PostgreSQL with fsync %s); %d clients over %d customers%n", fsync, clients, keys);
            out.flush();
            if (warmup > 0) {
                load.run(spec(rates.get(0), warmup));
                if (!awaitCaughtUp(line, written)) {
                    out.println("the line did not catch up after the warm-up within " + CATCH_UP.toMinutes() + " min");
                    return 1;
                }
            }
            double sustained = -1;
            long sustainedRss = -1;
            for (int rate : rates) {
                Step step = step(line, load, written, rate);
                out.printf(Locale.ROOT, "%,d transactions/s asked: %,.0f events/s written, end-to-end lag p50 %s, p99 %s ms,"
                                + " %,d events behind at the end (%s); peak RSS %s (bench JVM: writer, relay, projector and"
                                + " broker)%n", rate, step.eventsPerSecond(), bound(step.p50()), bound(step.p99()), step.behind(),
                        step.sustained() ? "sustained" : step.p99() >= SUSTAINED_P99.toMillis() ? "not sustained: p99 ≥ 1 s"
                                : "not sustained: a backlog grew", RelayBenchCommand.mib(step.rss()));
                out.flush();
                report.rate(BenchReport.LINE, "written at " + rate + " transactions/s", step.eventsPerSecond(), "events/s",
                        step.rss(), "bench JVM: writer, relay, projector and broker");
                report.figure(BenchReport.LINE, "lag p99 at " + rate + " transactions/s", step.p99(), "ms");
                report.figure(BenchReport.LINE, "behind at the end at " + rate + " transactions/s", step.behind(), "events");
                if (!step.sustained()) {
                    out.println("higher rates skipped: the line did not sustain this one");
                    break;
                }
                sustained = step.eventsPerSecond();
                sustainedRss = step.rss();
                if (!awaitCaughtUp(line, written)) {
                    out.println("the line did not catch up after the step within " + CATCH_UP.toMinutes() + " min");
                    break;
                }
            }
            if (sustained > 0) {
                out.printf(Locale.ROOT, "highest sustained rate: %,.0f events/s (lag p99 < 1 s, no backlog growing)%n", sustained);
                report.rate(BenchReport.LINE, BenchReport.LINE_SUSTAINED, sustained, "events/s", sustainedRss,
                        "bench JVM: writer, relay, projector and broker");
            } else {
                out.println("no step was sustained: lower --rates");
            }
        }
        out.println("machine load after: " + Machine.load());
        return 0;
    }

    /** One step's figures: lags are bounds of the meter's buckets; NaN without sink changes. */
    private record Step(double eventsPerSecond, double p50, double p99, long behind, long rss) {
        boolean sustained() {
            return p99 < SUSTAINED_P99.toMillis() && behind <= Math.max(1, eventsPerSecond);
        }
    }

    /** A quarter of the step at its rate first, unmeasured: the lags of the change of rate are not the rate's. */
    private Step step(LocalPipeline line, LoadGenerator load, AtomicLong written, int rate) throws Exception {
        int ramp = seconds / 4;
        if (ramp > 0) {
            load.run(spec(rate, ramp));
        }
        Machine.resetPeakRss(Machine.thisProcess());
        LagHistogram before = LagHistogram.read(line.projectorMetrics());
        LoadReport done = load.run(spec(rate, seconds - ramp));
        PipelineStatus end = PipelineStatus.read(written::get, line);
        LagHistogram lags = LagHistogram.read(line.projectorMetrics()).since(before);
        long behind = Math.max(0, end.written() - end.relayed()) + (long) nonNegative(end.streamsBehind())
                + (long) nonNegative(end.sinkBehind());
        return new Step(done.eventsPerSecond(), lags.percentileMillis(0.5), lags.percentileMillis(0.99), behind,
                Machine.peakRssMiB(Machine.thisProcess()));
    }

    private LoadSpec spec(int rate, int forSeconds) {
        return LoadSpec.of((long) rate * forSeconds, clients).withKeys(keys).withRate(rate);
    }

    /**
     * Caught up and settled: nothing behind, and no row applied for {@link #SETTLED} (a starting projector reports
     * nothing behind before its consumers have fetched).
     */
    private static boolean awaitCaughtUp(LocalPipeline line, AtomicLong written) throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        PipelineStatus since = null;
        while (System.nanoTime() < deadline) {
            PipelineStatus now = PipelineStatus.read(written::get, line);
            if (!now.caughtUp() || since == null || now.rowsApplied() != since.rowsApplied()) {
                since = now.caughtUp() ? now : null;
            } else if (now.atNanos() - since.atNanos() >= SETTLED.toNanos()) {
                return true;
            }
            Thread.sleep(POLL.toMillis());
        }
        return false;
    }

    private static double nonNegative(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, v);
    }

    private static String bound(double ms) {
        return Double.isNaN(ms) ? "unknown" : Double.isInfinite(ms) ? "> 5 min" : "≤ " + Math.round(ms);
    }
}
