package dev.outboxpipeline.cli.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.projector.analytics.AnalyticsSettings;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

@Command(name = "analytics", mixinStandardHelpOptions = true,
        description = {"The projector's added cost per event with the analytics on (PROJECTOR_ANALYTICS=true) and off:",
                "the same backlog of shop events (60 % placements) caught up by a fresh projector, alternately off and on,",
                "timed until the read model (and the window tables, when on) hold every event. CPU is this JVM's,",
                "the in-process broker included (PostgreSQL's is not); figures on a busy machine are smoke only."})
final class BenchAnalyticsCommand implements Callable<Integer> {

    private static final Duration PATIENCE = Duration.ofMinutes(10);

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
        try (PostgresServer postgres = PostgresServers.start("bench-analytics", System.err);
             KafkaBroker kafka = KafkaBroker.start()) {
            int run = 0;
            for (int r = 0; r < rounds; r++) {
                for (boolean on : new boolean[] {false, true}) {
                    run++;
                    double[] figures = run(postgres, kafka, "a" + run, on);
                    out.printf("analytics %-3s %d events: %.1f s, %.0f events/s, %.3f ms of CPU per event%n",
                            on ? "on" : "off", events, figures[0], events / figures[0], figures[1]);
                    out.flush();
                }
            }
        }
        return 0;
    }

    /** Returns seconds and CPU ms per event. */
    private double[] run(PostgresServer postgres, KafkaBroker kafka, String name, boolean analytics) throws Exception {
        Topics topics = Topics.withPrefix(name + ".");
        try (Admin admin = Admin.create(KafkaSettings.of(kafka.bootstrapServers()).clientConfig())) {
            admin.createTopics(topics.events().stream().map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))).toList())
                    .all().get(30, TimeUnit.SECONDS);
        }
        BenchShop shop = new BenchShop(topics);
        int customers = Math.max(1, events / 10);
        long placed = 0;
        Map<String, Object> pc = new HashMap<>(KafkaSettings.of(kafka.bootstrapServers()).clientConfig());
        pc.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pc, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                ProducerRecord<String, byte[]> r = i < customers ? shop.newCustomer() : shop.next();
                placed += "OrderPlaced".equals(new String(r.headers().lastHeader("type").value())) ? 1 : 0;
                batch.add(r);
                if (batch.size() == 1_000 || i == events - 1) {
                    producer.beginTransaction();
                    batch.forEach(producer::send);
                    producer.commitTransaction();
                    batch.clear();
                }
            }
        }
        JdbcSettings sink = JdbcSettings.of(JdbcSettings.SINK, postgres.createDatabase("bench_" + name), postgres.user(), postgres.password());
        ProjectorSettings settings = ProjectorSettings.of(sink, KafkaSettings.of(kafka.bootstrapServers()))
                .withApplicationId("bench-" + name).withTopics(topics).withTopicPartitions(partitions)
                .withStateDir(Files.createTempDirectory("bench-analytics-state-"))
                .withAnalytics(AnalyticsSettings.defaults().withEnabled(analytics));
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long started = System.nanoTime();
        long placements = placed;
        try (Projector projector = Projector.start(settings, ServiceHttp.newRegistry())) {
            await(() -> count(sink, "SELECT count(*) FROM customer") == customers
                    && count(sink, "SELECT count(*) FROM order_view") == placements
                    && (!analytics || count(sink, "SELECT coalesce(sum(orders), 0) FROM revenue_per_customer_minute") == placements));
            double seconds = (System.nanoTime() - started) / 1e9;
            return new double[] {seconds, (os.getProcessCpuTime() - cpu) / 1e6 / events};
        }
    }

    private static long count(JdbcSettings sink, String sql) {
        try (Connection c = Connections.open(sink); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1; // tables not migrated yet
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the projector did not get there within " + PATIENCE);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
