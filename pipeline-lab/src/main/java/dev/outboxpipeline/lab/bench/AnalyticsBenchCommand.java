package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.infra.CompactedTopics;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.projector.analytics.AnalyticsSettings;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "analytics", mixinStandardHelpOptions = true,
        header = "The projector's cost per event with the analytics on and off.",
        description = {"The projector's added cost per event with the analytics on (PROJECTOR_ANALYTICS=true) and off:",
                "the same backlog of shop events (60 % placements) caught up by a fresh projector, alternately off and on,",
                "timed until the read model (and the window tables, when on) hold every event. CPU is this JVM's,",
                "the in-process broker included (PostgreSQL's is not); figures on a busy machine are smoke only."})
final class AnalyticsBenchCommand implements Callable<Integer> {

    private static final Duration PATIENCE = Duration.ofMinutes(10);

    @ParentCommand
    private BenchCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--events", defaultValue = "30000", description = "Events per run (default ${DEFAULT-VALUE}).")
    private int events;

    @Option(names = "--rounds", defaultValue = "2", description = "Pairs of runs, off then on (default ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions per topic (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println("machine load before: " + Machine.load());
        try (BenchServers servers = BenchServers.postgresAndKafka("bench-analytics", parent.env())) {
            int run = 0;
            for (int r = 0; r < rounds; r++) {
                for (boolean on : new boolean[] {false, true}) {
                    run++;
                    double[] figures = run(servers, "a" + run, on);
                    out.printf("analytics %-3s %d events: %.1f s, %.0f events/s, %.3f ms of CPU per event%n",
                            on ? "on" : "off", events, figures[0], events / figures[0], figures[1]);
                    out.flush();
                }
            }
        }
        out.println("machine load after: " + Machine.load());
        return 0;
    }

    /** Returns seconds and CPU ms per event. */
    private double[] run(BenchServers servers, String name, boolean analytics) throws Exception {
        Topics topics = Topics.withPrefix(name + ".");
        CompactedTopics.create(servers.kafka().clientConfig(), topics.events(), partitions);
        BenchShop shop = new BenchShop(topics);
        int customers = Math.max(1, events / 10);
        long placed = 0;
        try (TransactionalProducer producer = TransactionalProducer.bulk(servers.kafka())) {
            List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                ProducerRecord<String, byte[]> r = i < customers ? shop.newCustomer() : shop.next();
                placed += "OrderPlaced".equals(new String(r.headers().lastHeader("type").value(), StandardCharsets.UTF_8)) ? 1 : 0;
                batch.add(r);
                if (batch.size() == 1_000 || i == events - 1) {
                    producer.send(batch);
                    batch.clear();
                }
            }
        }
        JdbcSettings sink = servers.emptySink("bench_" + name);
        ProjectorSettings settings = ProjectorSettings.of(sink, servers.kafka())
                .withApplicationId("bench-" + name).withTopics(topics).withTopicPartitions(partitions)
                .withStateDir(Files.createTempDirectory("bench-analytics-state-"))
                .withAnalytics(AnalyticsSettings.defaults().withEnabled(analytics));
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long started = System.nanoTime();
        long placements = placed;
        try (Projector projector = Projector.start(settings, ServiceHttp.newRegistry())) {
            Wait.until("the projector", PATIENCE, () -> SinkProbe.count(sink, "SELECT count(*) FROM customer") == customers
                    && SinkProbe.count(sink, "SELECT count(*) FROM order_view") == placements
                    && (!analytics || SinkProbe.count(sink, "SELECT coalesce(sum(orders), 0) FROM revenue_per_customer_minute") == placements));
            double seconds = (System.nanoTime() - started) / 1e9;
            return new double[] {seconds, (os.getProcessCpuTime() - cpu) / 1e6 / events};
        }
    }
}
