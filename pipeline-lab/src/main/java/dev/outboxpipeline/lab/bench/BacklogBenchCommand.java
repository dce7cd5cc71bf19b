package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.outbox.OutboxListener;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.relay.Relay;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.writer.load.LoadGenerator;
import dev.outboxpipeline.writer.load.LoadReport;
import dev.outboxpipeline.writer.load.LoadSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Is the read model ever the slowest stage? One backlog of the writer's load, waiting in the slot, drained first by
 * the relay (first to last event committed to Kafka), then applied by the projector (first sink row until the sink
 * equals the source). Start-up is excluded from both, so the two rates compare the stages' speeds.
 */
@Command(name = "backlog", mixinStandardHelpOptions = true,
        header = "The relay and the projector on one writer backlog, one after the other.",
        description = {"Writes a backlog with the writer's load driver while the relay is stopped (its slot keeps it),"
                + " then times the relay from its first to its last event committed to Kafka, then the projector from"
                + " its first sink row until the sink's customer, purchase_order and order_view equal the source."})
public final class BacklogBenchCommand extends ReportingBench {

    private static final Duration PATIENCE = Duration.ofMinutes(15);
    private static final String SOURCE_STATE = "SELECT (SELECT count(*) || '/' || coalesce(sum(version), 0) FROM customer)"
            + " || ' ' || (SELECT count(*) || '/' || coalesce(sum(version), 0) FROM purchase_order)";
    private static final String SINK_STATE = SOURCE_STATE + " || ' ' || (SELECT count(*) || '/' || coalesce(sum(version), 0)"
            + " FROM order_view)";

    @Option(names = "--events", defaultValue = "150000", description = "Events the writer's load writes (default ${DEFAULT-VALUE}).")
    private long events;

    @Option(names = "--clients", defaultValue = "4", description = "Writer clients (default ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--keys", defaultValue = "1000", description = "Customers the load works on (default ${DEFAULT-VALUE}).")
    private int keys;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println("machine load before: " + Machine.load());
        report.setting(BenchReport.BACKLOG, "events", events);
        try (BenchServers servers = BenchServers.postgresAndKafka("bench-backlog", bench.env())) {
            JdbcSettings source = servers.database("bench_backlog", Database.SOURCE);
            JdbcSettings sink = servers.emptySink("bench_backlog_sink");
            Env env = Env.of(servers.environment(Map.of(), source, sink));
            RelaySettings relaySettings = RelaySettings.fromEnv(env);
            try (Relay relay = Relay.start(relaySettings, new SimpleMeterRegistry())) {
                Wait.streaming(relay); // creates the slot; the backlog then waits in it
            }
            LoadReport written = LoadGenerator.run(source, OutboxOptions.removingRows(),
                    LoadSpec.of(events, clients).withKeys(keys), OutboxListener.NONE);
            long n = written.events();
            out.printf(Locale.ROOT, "backlog: %,d events written (%s)%n", n, written.summary());
            out.flush();

            SimpleMeterRegistry relayMetrics = new SimpleMeterRegistry();
            Machine.resetPeakRss(Machine.thisProcess());
            double relaySeconds;
            try (Relay relay = Relay.start(relaySettings, relayMetrics)) {
                relaySeconds = timed("the relay", () -> count(relayMetrics, "relay.events.relayed") > 0,
                        () -> count(relayMetrics, "relay.events.relayed") >= n);
            }
            long relayRss = Machine.peakRssMiB(Machine.thisProcess());
            String expected = SinkProbe.text(source, SOURCE_STATE).orElseThrow();

            ProjectorSettings configured = ProjectorSettings.fromEnv(env);
            ProjectorSettings settings = configured.withAnalytics(configured.analytics().withEnabled(false))
                    .withApplicationId("bench-backlog").withStateDir(Files.createTempDirectory("bench-backlog-state-"));
            PrometheusMeterRegistry projectorMetrics = ServiceHttp.newRegistry();
            Machine.resetPeakRss(Machine.thisProcess());
            double projectorSeconds;
            try (Projector projector = Projector.start(settings, projectorMetrics)) {
                projectorSeconds = timed("the projector", () -> count(projectorMetrics, "projector.rows.apply") > 0,
                        () -> sinkEquals(sink, expected));
            }
            long projectorRss = Machine.peakRssMiB(Machine.thisProcess());

            double relayRate = n / relaySeconds;
            double projectorRate = n / projectorSeconds;
            out.printf(Locale.ROOT, "relay: %,d events from the first to the last committed to Kafka in %.1f s: %,.0f events/s%n",
                    n, relaySeconds, relayRate);
            out.printf(Locale.ROOT, "projector: from its first sink row until the sink equals the source in %.1f s: %,.0f"
                    + " events/s (%.2f of the relay's rate)%n", projectorSeconds, projectorRate, projectorRate / relayRate);
            out.flush();
            String rssOf = "bench JVM, broker included";
            report.rate(BenchReport.BACKLOG, BenchReport.BACKLOG_RELAY, relayRate, "events/s", relayRss, rssOf);
            report.rate(BenchReport.BACKLOG, BenchReport.BACKLOG_PROJECTOR, projectorRate, "events/s", projectorRss, rssOf);
        }
        out.println("machine load after: " + Machine.load());
        return 0;
    }

    /** Seconds from the moment {@code started} holds until {@code done} does (to the wait's 50 ms). */
    private static double timed(String stage, BooleanSupplier started, BooleanSupplier done) {
        Wait.until(stage + " to start", PATIENCE, started);
        long t0 = System.nanoTime();
        Wait.until(stage + " to finish", PATIENCE, done);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double count(MeterRegistry registry, String counter) {
        return registry.find(counter).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static boolean sinkEquals(JdbcSettings sink, String source) {
        Optional<String> state = SinkProbe.text(sink, SINK_STATE);
        if (state.isEmpty()) {
            return false;
        }
        List<String> parts = List.of(state.get().split(" "));
        // order_view has one row per order, at the order's version: the same as purchase_order
        return (parts.get(0) + " " + parts.get(1)).equals(source) && parts.get(2).equals(parts.get(1));
    }
}
