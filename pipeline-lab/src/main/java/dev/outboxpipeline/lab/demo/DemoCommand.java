package dev.outboxpipeline.lab.demo;

import dev.outboxpipeline.cli.PipelineCommand;
import dev.outboxpipeline.verify.Store;
import dev.outboxpipeline.verify.StoreVerifier;
import dev.outboxpipeline.verify.TableReport;
import dev.outboxpipeline.verify.VerifyReport;
import dev.outboxpipeline.writer.load.LoadGenerator;
import dev.outboxpipeline.writer.load.LoadReport;
import dev.outboxpipeline.writer.load.LoadSpec;
import dev.outboxpipeline.outbox.OutboxOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Runs the whole line on this machine and verifies the sink.",
        description = {"Runs the whole line on this machine: a source and a sink PostgreSQL (embedded binaries, or",
                "Docker when an engine answers), a Kafka broker in this process, the writer under a load, the relay",
                "and the projector; shows a live status, waits for the sink to catch up, runs verify and prints a",
                "summary. Nothing to install but a JDK and Maven. Exit 0 when verify finds the sink equal."})
public final class DemoCommand implements Callable<Integer> {

    private static final Duration REFRESH = Duration.ofSeconds(1);
    private static final Duration PLAIN_REFRESH = Duration.ofSeconds(5);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration VERIFY_WAIT = Duration.ofSeconds(60);

    @Spec
    private CommandSpec spec;

    @Option(names = "--events", defaultValue = "20000", description = "Outbox events the load writes. Default: ${DEFAULT-VALUE}.")
    private long events;

    @Option(names = "--rate", defaultValue = "400", description = "Transactions per second of the load (0: as fast as it goes). Default: ${DEFAULT-VALUE}.")
    private double rate;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent load clients. Default: ${DEFAULT-VALUE}.")
    private int clients;

    @Option(names = "--keys", defaultValue = "500", description = "Customers the load works on. Default: ${DEFAULT-VALUE}.")
    private int keys;

    @Option(names = "--keep-running", description = "Leave everything up after the summary, until Ctrl-C.")
    private boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (events < 1 || clients < 1 || keys < 1 || rate < 0) {
            spec.commandLine().getErr().println("error: --events, --clients and --keys must be at least 1, --rate at least 0");
            return PipelineCommand.BAD_CONFIGURATION;
        }
        Instant started = Instant.now();
        out.println("Starting the pipeline on this machine...");
        out.flush();
        LocalPipeline pipeline = LocalPipeline.start(line -> {
            out.println("  " + line);
            out.flush();
        });
        Thread cleanup = new Thread(pipeline::close, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            out.printf("Started in %d s.%n%n", Duration.between(started, Instant.now()).toSeconds());
            printWhereToLook(out, pipeline);
            boolean equal = runLoadAndVerify(out, pipeline);
            if (keepRunning) {
                out.println();
                out.println("Everything stays up for exploring (see above); Ctrl-C stops it and deletes its data.");
                out.flush();
                new CountDownLatch(1).await();
            }
            return equal ? 0 : PipelineCommand.CHECK_FAILED;
        } finally {
            pipeline.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    private boolean runLoadAndVerify(PrintWriter out, LocalPipeline pipeline) throws Exception {
        AtomicLong written = new AtomicLong();
        StatusView view = new StatusView(out, System.console() != null);
        Duration refresh = System.console() != null ? REFRESH : PLAIN_REFRESH;
        LoadSpec load = LoadSpec.of(events, clients).withKeys(keys).withRate(rate);
        out.printf("Load: %,d events from %d clients over %d customers%s.%n", events, clients, keys,
                rate > 0 ? String.format(" at %.0f transactions/s", rate) : ", as fast as it goes");
        out.flush();

        Instant loadStart = Instant.now();
        LoadGenerator generator = LoadGenerator.open(pipeline.sourceSettings(), OutboxOptions.removingRows(), clients,
                rows -> written.addAndGet(rows.size()));
        try {
            CompletableFuture<LoadReport> running = CompletableFuture.supplyAsync(() -> generator.run(load));
            PipelineStatus first = PipelineStatus.read(written::get, pipeline);
            PipelineStatus earlier = first;
            LagHistogram startUp = null; // the lags until the line first kept pace with the load
            Duration steadyAfter = null;
            while (!running.isDone()) {
                Thread.sleep(refresh.toMillis());
                PipelineStatus now = PipelineStatus.read(written::get, pipeline);
                view.show("writing", now, earlier);
                if (startUp == null && now.keepingPace(earlier)) {
                    startUp = LagHistogram.read(pipeline.projectorMetrics());
                    steadyAfter = Duration.between(loadStart, Instant.now());
                }
                earlier = now;
            }
            LagHistogram steady = startUp == null ? null : LagHistogram.read(pipeline.projectorMetrics()).since(startUp);
            LoadReport report = running.join();
            Duration loadTime = Duration.between(loadStart, Instant.now());

            Instant deadline = Instant.now().plus(CATCH_UP_TIMEOUT);
            PipelineStatus now = PipelineStatus.read(written::get, pipeline);
            while (!now.caughtUp() && Instant.now().isBefore(deadline) && pipeline.projectorFailure().isEmpty()) {
                Thread.sleep(refresh.toMillis());
                PipelineStatus next = PipelineStatus.read(written::get, pipeline);
                view.show("catching up", next, now);
                now = next;
            }
            view.show(now.caughtUp() ? "caught up" : "still behind after " + CATCH_UP_TIMEOUT.toMinutes() + " min", now, now);
            view.release();

            out.println();
            if (pipeline.projectorFailure().isPresent()) {
                out.println("The projector failed to start: " + pipeline.projectorFailure().get().getMessage());
                return false;
            }
            out.println("Load: " + report.summary());
            out.println("Verifying the sink against the source...");
            out.flush();
            VerifyReport verify = new StoreVerifier(Store.source(pipeline.sourceSettings()), Store.sink(pipeline.sinkSettings()))
                    .verify(VERIFY_WAIT, line -> {
                        out.println("  " + line);
                        out.flush();
                    });
            Duration catchUp = Duration.between(loadStart.plus(loadTime), Instant.now());
            printSummary(out, PipelineStatus.read(written::get, pipeline), first, loadTime, catchUp);
            printLag(out, startUp, steady, steadyAfter, LagHistogram.read(pipeline.projectorMetrics()));
            printVerdict(out, verify);
            return verify.equal();
        } finally {
            generator.close();
        }
    }

    private static void printWhereToLook(PrintWriter out, LocalPipeline p) {
        out.println("Where to look:");
        out.printf("  writer API      http://127.0.0.1:%d/customers   (also /orders, /health, /metrics)%n", p.writerPort());
        out.printf("  relay           http://127.0.0.1:%d/health      http://127.0.0.1:%d/metrics%n", p.relayPort(), p.relayPort());
        out.printf("  projector       http://127.0.0.1:%d/customers/{id}   /orders/{id}   /health   /metrics%n", p.projectorPort());
        out.printf("  dashboard       http://127.0.0.1:%d/dashboard   (analytics: /analytics/revenue, /analytics/orders, /analytics/sessions)%n", p.projectorPort());
        out.printf("  source database %s (user %s)%n", p.sourceSettings().safeUrl(), p.sourceSettings().user());
        out.printf("  sink database   %s (user %s)%n", p.sinkSettings().safeUrl(), p.sinkSettings().user());
        out.printf("  Kafka           %s   topics outbox.event.customer, outbox.event.order, readmodel.*, outbox.dlq%n",
                p.kafkaBootstrap());
        out.printf("  watch events    kcat -b %s -C -t outbox.event.customer -f '%%k %%s %%h\\n'%n%n", p.kafkaBootstrap());
        out.flush();
    }

    private static void printSummary(PrintWriter out, PipelineStatus end, PipelineStatus start, Duration loadTime,
                                     Duration catchUp) {
        out.println();
        out.println("Summary");
        out.printf("  events written          %,d in %.1f s%n", end.written(), loadTime.toMillis() / 1000.0);
        out.printf("  events relayed          %,d%n", end.relayed());
        out.printf("  read-model rows applied %,d%n", end.rowsApplied() - start.rowsApplied());
        out.printf("  sink verified           %.1f s after the load stopped%n", catchUp.toMillis() / 1000.0);
    }

    /** End-to-end lag (source commit to sink commit), the steady state apart from the start-up backlog. */
    private static void printLag(PrintWriter out, LagHistogram startUp, LagHistogram steady, Duration steadyAfter,
                                 LagHistogram all) {
        if (steady == null || steady.count() == 0) {
            out.printf("  end-to-end lag          p99 %s over the whole run, start-up included (the line did not keep"
                    + " pace before the load ended: a longer run, e.g. --events 100000, shows the steady state)%n",
                    bound(all.percentileMillis(0.99)));
        } else {
            out.printf("  end-to-end lag          p50 %s, p99 %s in the steady state (%,d changes, from %d s into the"
                            + " load on)%n", bound(steady.percentileMillis(0.5)), bound(steady.percentileMillis(0.99)),
                    steady.count(), steadyAfter.toSeconds());
            out.printf("  lag during start-up     p99 %s (%,d changes applied while the projector started and caught up)%n",
                    bound(startUp.percentileMillis(0.99)), startUp.count());
        }
    }

    private static String bound(double millis) {
        return Double.isNaN(millis) ? "-" : Double.isInfinite(millis) ? "over 5 min" : String.format("≤ %,.0f ms", millis);
    }

    private static void printVerdict(PrintWriter out, VerifyReport verify) {
        for (TableReport t : verify.tables()) {
            out.printf("  %-23s %,d rows, %d differences%n", t.table(), t.actualRows(), t.differenceCount());
        }
        out.println(verify.equal()
                ? "  verify                  EQUAL: the sink matches the source"
                : "  verify                  DIFFERENT: " + verify.differenceCount() + " difference(s); run ./pipeline verify for details");
        out.flush();
    }
}
