package dev.outboxpipeline.cli.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.projector.sink.SinkMetrics;
import dev.outboxpipeline.projector.sink.SinkWriter;
import dev.outboxpipeline.projector.topology.Topics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

@Command(name = "projector", mixinStandardHelpOptions = true,
        description = {"Measures the projector on a throwaway PostgreSQL and Kafka broker:",
                "1. end-to-end lag (source-ts-ms to sink commit) at a steady event rate, per commit interval;",
                "2. catching up a backlog of events (events/s through Streams and the sink);",
                "3. the sink writer alone replaying the read-model topics (rows/s)."})
public final class ProjectorBench implements Callable<Integer> {

    // the relay sends a transaction per batch of WAL events; one every 50 ms keeps the producer on schedule
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Duration PATIENCE = Duration.ofMinutes(10);

    @Spec
    private CommandSpec spec;

    @Option(names = "--rate", defaultValue = "1000", description = "Steady events per second (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--seconds", defaultValue = "30", description = "Measured seconds at the steady rate (default ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Unmeasured seconds first (default ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--commit-interval", split = ",", defaultValue = "50ms", paramLabel = "DURATION[,DURATION…]",
            description = "Streams commit intervals to compare (default ${DEFAULT-VALUE}).")
    private List<String> commitIntervals;

    @Option(names = "--backlog", defaultValue = "50000", description = "Events of the catch-up run (default ${DEFAULT-VALUE}).")
    private int backlog;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions per topic (default ${DEFAULT-VALUE}).")
    private int partitions;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        out.println("machine load before: " + load());
        try (PostgresServer postgres = PostgresServers.start("bench-projector", System.err);
             KafkaBroker kafka = KafkaBroker.start()) {
            int run = 0;
            for (String interval : commitIntervals) {
                steady(postgres, kafka, ++run, dev.outboxpipeline.config.Durations.parse("--commit-interval", interval));
            }
            Topics filled = catchUp(postgres, kafka);
            sinkAlone(postgres, kafka, filled);
        }
        out.println("machine load after: " + load());
        return 0;
    }

    private void steady(PostgresServer postgres, KafkaBroker kafka, int run, Duration commitInterval) throws Exception {
        Topics topics = Topics.withPrefix("steady" + run + ".");
        ProjectorSettings settings = settings(postgres, kafka, "steady" + run, topics).withCommitInterval(commitInterval);
        BenchShop shop = new BenchShop(topics);
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        Lags lags = new Lags(registry);
        try (Producer producer = new Producer(kafka);
             Projector projector = Projector.start(settings, registry)) {
            List<ProducerRecord<String, byte[]>> customers = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                customers.add(shop.newCustomer());
            }
            producer.send(customers);
            await(() -> count(settings.sink(), "SELECT count(*) FROM customer") == 1_000);

            long perTick = Math.max(1, rate * TICK.toMillis() / 1000);
            long ticks = (warmup + seconds) * 1000L / TICK.toMillis();
            long next = System.nanoTime();
            long sent = 0;
            for (long t = 0; t < ticks; t++) {
                if (t == warmup * 1000L / TICK.toMillis()) {
                    lags.measure(true);
                }
                List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
                for (int i = 0; i < perTick; i++) {
                    batch.add(shop.next());
                }
                producer.send(batch);
                sent += perTick;
                next += TICK.toNanos();
                LockSupport.parkNanos(next - System.nanoTime());
            }
            long behindAtEnd = (System.nanoTime() - next) / 1_000_000;
            await(() -> lags.count() > 0 && projectorIdle(settings.sink()));
            lags.measure(false);
            out.printf("steady %d events/s, commit interval %d ms: %d events sent, %d sink changes measured over %d s;"
                            + " end-to-end lag p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (producer %d ms behind schedule)%n",
                    rate, commitInterval.toMillis(), sent, lags.count(), seconds, lags.percentile(50),
                    lags.percentile(95), lags.percentile(99), lags.percentile(100), Math.max(0, behindAtEnd));
            out.flush();
        }
    }

    private Topics catchUp(PostgresServer postgres, KafkaBroker kafka) throws Exception {
        Topics topics = Topics.withPrefix("backlog.");
        ProjectorSettings settings = settings(postgres, kafka, "backlog", topics);
        BenchShop shop = new BenchShop(topics);
        int customers = backlog / 10;
        try (Producer producer = new Producer(kafka)) {
            List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
            for (int i = 0; i < backlog; i++) {
                batch.add(i < customers ? shop.newCustomer() : shop.newOrder());
                if (batch.size() == 1_000) {
                    producer.send(batch);
                    batch = new ArrayList<>();
                }
            }
            producer.send(batch);
        }
        int orders = backlog - customers;
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        long started = System.nanoTime();
        try (Projector projector = Projector.start(settings, registry)) {
            await(() -> count(settings.sink(), "SELECT count(*) FROM customer") == customers
                    && count(settings.sink(), "SELECT count(*) FROM order_view WHERE customer_name IS NOT NULL") == orders);
            double elapsed = (System.nanoTime() - started) / 1e9;
            double rows = registry.counter("projector.rows.apply").count();
            out.printf("catch-up of %d events (%d customers, %d orders): %.1f s from start to the last row,"
                            + " %.0f events/s through Streams and the sink, %.0f rows applied (%.0f rows/s),"
                            + " batch apply p99 %.0f ms%n",
                    backlog, customers, orders, elapsed, backlog / elapsed, rows, rows / elapsed,
                    registry.timer("projector.batch.apply").takeSnapshot().percentileValues()[1].value(TimeUnit.MILLISECONDS));
            out.flush();
        }
        return topics;
    }

    /** A second sink database fed by a fresh sink writer from the read-model topics the catch-up filled. */
    private void sinkAlone(PostgresServer postgres, KafkaBroker kafka, Topics filled) throws Exception {
        JdbcSettings sink = JdbcSettings.of(JdbcSettings.SINK, postgres.createDatabase("bench_sink_alone"),
                postgres.user(), postgres.password());
        Migrations.migrate(Database.SINK, sink);
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        long total = endOffsets(kafka, filled.readModel());
        long started;
        double firstBatch;
        try (SinkWriter writer = SinkWriter.start(new SinkWriter.Config("bench-sink-alone", sink,
                KafkaSettings.of(kafka.bootstrapServers()).clientConfig(), filled, ProjectorSettings.DEFAULT_SINK_BATCH), registry)) {
            // from the first batch on: the consumer group's join is not the sink's speed
            await(() -> registry.counter("projector.rows.apply").count() > 0);
            started = System.nanoTime();
            firstBatch = registry.counter("projector.rows.apply").count();
            await(() -> appliedRecords(sink) >= total);
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        double rows = registry.counter("projector.rows.apply").count() - firstBatch;
        out.printf("sink writer alone, replaying readmodel.* into an empty database: %.0f rows after the first batch in %.1f s,"
                        + " %.0f rows/s (batches of up to %d; batch apply p50 %.0f ms, p99 %.0f ms)%n",
                rows, elapsed, rows / elapsed, ProjectorSettings.DEFAULT_SINK_BATCH,
                registry.timer("projector.batch.apply").takeSnapshot().percentileValues()[0].value(TimeUnit.MILLISECONDS),
                registry.timer("projector.batch.apply").takeSnapshot().percentileValues()[1].value(TimeUnit.MILLISECONDS));
        out.flush();
    }

    private ProjectorSettings settings(PostgresServer postgres, KafkaBroker kafka, String name, Topics topics)
            throws IOException {
        try (Admin admin = Admin.create(KafkaSettings.of(kafka.bootstrapServers()).clientConfig())) {
            admin.createTopics(topics.events().stream().map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))).toList())
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the event topics: " + e, e);
        }
        JdbcSettings sink = JdbcSettings.of(JdbcSettings.SINK, postgres.createDatabase("bench_" + name),
                postgres.user(), postgres.password());
        Path state = Files.createTempDirectory("bench-projector-state-");
        return ProjectorSettings.of(sink, KafkaSettings.of(kafka.bootstrapServers()))
                .withApplicationId("bench-" + name).withTopics(topics).withStateDir(state).withTopicPartitions(partitions);
    }

    /** Sum over the read-model partitions of the highest offset applied. */
    private static long appliedRecords(JdbcSettings sink) {
        return count(sink, "SELECT coalesce(sum(applied_offset + 1), 0) FROM projector_offsets");
    }

    private static long endOffsets(KafkaBroker kafka, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(KafkaSettings.of(kafka.bootstrapServers()).clientConfig())) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(name, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
            // the last offset of a transactional topic is a commit marker: the last record is before it
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> Math.max(0, o.offset() - 1)).sum();
        }
    }

    private static boolean projectorIdle(JdbcSettings sink) {
        long before = count(sink, "SELECT coalesce(sum(applied_offset), 0) FROM projector_offsets");
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        return count(sink, "SELECT coalesce(sum(applied_offset), 0) FROM projector_offsets") == before;
    }

    private static long count(JdbcSettings sink, String sql) {
        try (Connection c = Connections.open(sink); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
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

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim() + " (1, 5, 15 min), "
                    + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Lags (ms) of the changes applied while measuring. */
    /**
     * The end-to-end lag as users read it, from the sink writer's {@code projector.event.lag} timer: the
     * measured window is the difference of its cumulative histogram between the start and the end, so a
     * percentile is the upper bound of the bucket it falls in (the buckets grow by about a tenth).
     */
    private static final class Lags {
        private final PrometheusMeterRegistry registry;
        private CountAtBucket[] atStart = new CountAtBucket[0];
        private CountAtBucket[] atEnd;

        Lags(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        synchronized void measure(boolean on) {
            CountAtBucket[] now = registry.timer(SinkMetrics.EVENT_LAG).takeSnapshot().histogramCounts();
            if (on) {
                atStart = now;
            } else {
                atEnd = now;
            }
        }

        synchronized long count() {
            CountAtBucket[] end = end();
            return end.length == 0 ? 0 : (long) (end[end.length - 1].count() - countAt(atStart, end.length - 1));
        }

        synchronized long percentile(int p) {
            CountAtBucket[] end = end();
            long total = count();
            if (total == 0) {
                return -1;
            }
            for (int i = 0; i < end.length; i++) {
                if (end[i].count() - countAt(atStart, i) >= Math.ceil(p / 100.0 * total)) {
                    return (long) end[i].bucket(TimeUnit.MILLISECONDS);
                }
            }
            return (long) end[end.length - 1].bucket(TimeUnit.MILLISECONDS);
        }

        private CountAtBucket[] end() {
            return atEnd != null ? atEnd : registry.timer(SinkMetrics.EVENT_LAG).takeSnapshot().histogramCounts();
        }

        private static double countAt(CountAtBucket[] counts, int i) {
            return i < counts.length ? counts[i].count() : 0;
        }
    }

    /** Sends like the relay: one transaction per batch. */
    private static final class Producer implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;

        Producer(KafkaBroker kafka) {
            Map<String, Object> c = new HashMap<>(KafkaSettings.of(kafka.bootstrapServers()).clientConfig());
            c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-" + UUID.randomUUID());
            c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            producer = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
            producer.initTransactions();
        }

        void send(List<ProducerRecord<String, byte[]>> records) {
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.commitTransaction();
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
