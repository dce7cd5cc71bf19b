package dev.outboxpipeline.lab.chaos;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.lab.chaos.FaultSchedule.PlannedFault;
import dev.outboxpipeline.verify.Store;
import dev.outboxpipeline.verify.StoreVerifier;
import dev.outboxpipeline.verify.VerifyReport;
import dev.outboxpipeline.writer.load.LoadGenerator;
import dev.outboxpipeline.writer.load.LoadSpec;
import dev.outboxpipeline.outbox.OutboxOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * One chaos run: the line under the writer's steady load, the seeded faults, then the drain and the independent
 * checks. The record of what was committed is the source's kept outbox rows; of what was relayed, a read_committed
 * consumer; of what was applied, the sink's audit trigger.
 */
public final class ChaosRun {

    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration VERIFY_WAIT = Duration.ofMinutes(3);
    private static final long RECOVERED_LAG_MS = 1_000;
    private static final Duration STEADY = Duration.ofSeconds(5);
    private static final Duration STEADY_TIMEOUT = Duration.ofMinutes(5);
    private static final int LOAD_CLIENTS = 4;
    private static final int LOAD_KEYS = 200;

    private ChaosRun() {
    }

    public static ChaosReport run(ChaosOptions options, Env env, Consumer<String> out) {
        long runStart = System.currentTimeMillis();
        List<String> problems = new ArrayList<>();
        List<InjectedFault> faults = new ArrayList<>();
        ChaosLine line = ChaosLine.start(env, options.brokers(), options.reportDir().resolve("logs"), out);
        boolean local = line.localServers();
        FaultSchedule schedule = FaultSchedule.plan(options.seed(), options.duration(), options.faultsPerMinute(),
                options.brokers(), local);
        out.accept("chaos: schedule " + schedule);
        EventRecorder recorder = new EventRecorder(line.bootstrapServers(), runStart);
        LagProbe probe = new LagProbe(line.sourceSettings(), line.sinkSettings());
        UnexpectedExits supervisor = new UnexpectedExits(line.children(), runStart);
        LoadGenerator load = LoadGenerator.open(line.sourceSettings(), OutboxOptions.keepRows(), LOAD_CLIENTS, rows -> { });
        ExecutorService threads = Executors.newCachedThreadPool();
        FaultInjector injector = new FaultInjector(line, runStart, supervisor, probe.customerId());
        List<ChildJvm> children = line.children();
        List<CommittedEvent> committed;
        VerifyReport verify;
        List<String> sql;
        long wal;
        List<AppliedChange> applied;
        List<LagProbe.Sample> samples;
        Map<String, List<long[]>> timeline;
        List<String> exits;
        try {
            Thread loadThread = startLoad(load, options, problems, out);
            awaitSteadyState(probe, problems, out, "before the first fault");
            long faultStart = System.currentTimeMillis();
            List<CompletableFuture<InjectedFault>> running = new ArrayList<>();
            for (PlannedFault planned : schedule.faults()) {
                Pause.of(Duration.ofMillis(faultStart + planned.at().toMillis() - System.currentTimeMillis()));
                out.accept(String.format("chaos: +%ds %s", (System.currentTimeMillis() - runStart) / 1000, planned.fault()));
                running.add(CompletableFuture.supplyAsync(() -> injector.inject(planned.fault()), threads));
            }
            Pause.of(Duration.ofMillis(faultStart + options.duration().toMillis() - System.currentTimeMillis()));
            running.forEach(f -> faults.add(f.join()));
            // the load goes on until the line has recovered from the last faults, so each gets a recovery time
            awaitSteadyState(probe, problems, out, "after the last fault");

            out.accept("chaos: stopping the load and draining the line...");
            load.stop();
            loadThread.join(120_000);
            probe.stopWriting();
            committed = SourceRecord.committed(line.sourceSettings());
            awaitRelayed(committed, recorder, problems);
            verify = new StoreVerifier(Store.source(line.sourceSettings()), Store.sink(line.sinkSettings()))
                    .verify(VERIFY_WAIT, l -> { });
            sql = SqlComparison.differences(line.sourceSettings(), line.sinkSettings());
            wal = awaitRetainedWal(line.sourceSettings());
            applied = SinkAudit.read(line.sinkSettings());
            samples = probe.samples();
            timeline = timeline(line, recorder, samples, runStart);
            if (recorder.failure() != null) {
                problems.add("the event recorder stopped: " + recorder.failure());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            threads.shutdownNow();
            supervisor.close();
            exits = supervisor.exits();
            recorder.close();
            probe.close();
            load.close();
            line.close();
        }
        HistoryReport history = HistoryChecker.check(committed, recorder.events(), applied);
        List<InjectedFault> measured = faults.stream().map(f -> f.withRecovery(recovery(f, samples, runStart))).toList();
        List<String> notApplied = EnumSet.allOf(Fault.class).stream()
                .filter(f -> !f.appliesTo(options.brokers(), local)).map(Fault::name).toList();
        return new ChaosReport(options.seed(), options.duration().toSeconds(), options.brokers(), local,
                schedule.faults().stream().map(PlannedFault::toString).toList(), measured, notApplied,
                committed.size(), recorder.readCount(), applied.size(), history, verify.equal(),
                verify.differenceCount() + " difference(s) in " + verify.rowCount() + " rows", sql, wal,
                leftovers(children), exits, List.copyOf(problems), timeline);
    }

    private static Thread startLoad(LoadGenerator load, ChaosOptions options, List<String> problems, Consumer<String> out) {
        Thread t = new Thread(() -> {
            LoadSpec spec = new LoadSpec(Long.MAX_VALUE / 2, LOAD_CLIENTS, options.rate(), LOAD_KEYS, options.seed());
            try {
                load.run(spec);
            } catch (RuntimeException e) {
                // a source down for longer than the clients wait: the run goes on without load, which the report says
                synchronized (problems) {
                    problems.add("the writer's load stopped: " + e.getMessage());
                }
                out.accept("chaos: the writer's load stopped: " + e.getMessage());
            }
        }, "chaos-load");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The projectors' start and first rebalance take a while on a busy machine: faults begin once the lag has stayed
     * under a second for a few seconds, so that each recovery is measured from a steady state; the load ends the same
     * way, so that the last faults' recovery is measured too.
     */
    private static void awaitSteadyState(LagProbe probe, List<String> problems, Consumer<String> out, String when) {
        out.accept("chaos: waiting for a steady state " + when + " (lag under 1 s for " + STEADY.toSeconds() + " s)...");
        long deadline = System.nanoTime() + STEADY_TIMEOUT.toNanos();
        long steadySince = -1;
        while (System.nanoTime() < deadline) {
            if (probe.currentLagMillis() < RECOVERED_LAG_MS) {
                steadySince = steadySince < 0 ? System.nanoTime() : steadySince;
                if (System.nanoTime() - steadySince >= STEADY.toNanos()) {
                    return;
                }
            } else {
                steadySince = -1;
            }
            Pause.of(LagProbe.INTERVAL);
        }
        problems.add("the line did not reach a steady state (lag under 1 s) within " + STEADY_TIMEOUT + " " + when);
    }

    private static void awaitRelayed(List<CommittedEvent> committed, EventRecorder recorder, List<String> problems) {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (committed.stream().allMatch(e -> recorder.hasRead(e.id()))) {
                Pause.of(Duration.ofSeconds(5)); // a late duplicate would show up now
                return;
            }
            Pause.of(Duration.ofSeconds(2));
        }
        problems.add("not every committed event was read within " + DRAIN_TIMEOUT + " of the load's end");
    }

    private static long awaitRetainedWal(JdbcSettings source) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            OptionalLong wal = SourceRecord.retainedWal(source, ChaosLine.SLOT);
            last = wal.orElse(-1);
            if (last >= 0 && last < ChaosReport.RETAINED_WAL_LIMIT) {
                return last;
            }
            Pause.of(Duration.ofSeconds(2));
        }
        return last;
    }

    /**
     * From the injection until the lag is back under a second and stays there for {@link #STEADY}, counted from the end
     * of the fault's action at the earliest (a brief dip during an outage is not a recovery). -1 when the line did not
     * settle before the load ended.
     */
    static long recovery(InjectedFault f, List<LagProbe.Sample> samples, long runStart) {
        long start = runStart + f.startMs();
        long from = runStart + Math.max(f.startMs(), f.endMs());
        Long underSince = null;
        for (LagProbe.Sample s : samples) {
            if (s.atMillis() < from) {
                continue;
            }
            if (s.lagMillis() >= RECOVERED_LAG_MS) {
                underSince = null;
            } else if (underSince == null) {
                underSince = s.atMillis();
            } else if (s.atMillis() - underSince >= STEADY.toMillis()) {
                return underSince - start;
            }
        }
        return -1;
    }

    private static Map<String, List<long[]>> timeline(ChaosLine line, EventRecorder recorder, List<LagProbe.Sample> samples,
                                                      long runStart) {
        Map<String, List<long[]>> t = new LinkedHashMap<>();
        t.put("written", SourceRecord.perSecond(line.sourceSettings(), runStart));
        t.put("relayed", new TreeMap<>(recorder.perSecond()).entrySet().stream()
                .map(e -> new long[] {e.getKey(), e.getValue()}).toList());
        t.put("applied", SinkAudit.perSecond(line.sinkSettings(), runStart));
        Map<Long, Long> lag = new TreeMap<>();
        samples.forEach(s -> lag.merge((s.atMillis() - runStart) / 1000, s.lagMillis(), Math::max));
        t.put("lagMs", lag.entrySet().stream().map(e -> new long[] {e.getKey(), e.getValue()}).toList());
        return t;
    }

    /** Children still alive after the line closed, and any other process this JVM started that is still there. */
    private static List<String> leftovers(List<ChildJvm> children) {
        Set<String> left = new HashSet<>();
        children.stream().filter(ChildJvm::alive).forEach(c -> left.add(c.toString()));
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .forEach(p -> left.add("pid " + p.pid() + " " + p.info().command().orElse("?")
                        + " " + Arrays.toString(p.info().arguments().orElse(new String[0])).substring(0,
                        Math.min(80, Arrays.toString(p.info().arguments().orElse(new String[0])).length()))));
        return List.copyOf(left);
    }
}
