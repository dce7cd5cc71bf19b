package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.infra.CompactedTopics;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.projector.sink.SinkMetrics;
import dev.outboxpipeline.projector.sink.SinkWriter;
import dev.outboxpipeline.projector.topology.Topics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

@Command(name = "projector", mixinStandardHelpOptions = true,
        header = "The projector's end-to-end lag, catch-up and sink rates.",
        description = {"Measures the projector on a throwaway PostgreSQL and Kafka broker:",
                "1. end-to-end lag (source-ts-ms to sink commit) at a steady event rate, per commit interval;",
                "2. catching up a backlog of events (events/s through Streams and the sink);",
                "3. the sink writer alone replaying the read-model topics (rows/s)."})
public final class ProjectorBenchCommand extends ReportingBench {

    // the relay sends a transaction per batch of WAL events; one every 50 ms keeps the producer on schedule
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Duration PATIENCE = Duration.ofMinutes(10);

    @Option(names = "--rate", split = ",", defaultValue = "1000,5000", paramLabel = "RATE[,RATE…]",
            description = "Steady events per second, one run each (default ${DEFAULT-VALUE}).")
    private List<Integer> rates;

    @Option(names = "--seconds", defaultValue = "30",
            description = "Measured seconds at the steady rate; 0 skips the steady runs (default ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Unmeasured seconds first (default ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--commit-interval", split = ",", defaultValue = "25ms", paramLabel = "DURATION[,DURATION…]",
            description = "Streams commit intervals to compare (default ${DEFAULT-VALUE}).")
    private List<String> commitIntervals;

    @Option(names = "--backlog", defaultValue = "50000", description = "Events of the catch-up run (default ${DEFAULT-VALUE}).")
    private int backlog;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions per topic (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--analytics", description = "Run the analytics too (off by default: `bench analytics` measures their cost).")
    private boolean analytics;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        out.println("machine load before: " + Machine.load());
        report.setting("projector", "rates", rates);
        report.setting("projector", "seconds", seconds);
        report.setting("projector", "backlog", backlog);
        report.setting("projector", "analytics", analytics);
        try (BenchServers servers = BenchServers.postgresAndKafka("bench-projector", bench.env())) {
            int run = 0;
            for (int rate : seconds > 0 ? rates : List.<Integer>of()) {
                for (String interval : commitIntervals) {
                    steady(servers, ++run, rate, dev.outboxpipeline.config.Durations.parse("--commit-interval", interval));
                }
            }
            Topics filled = catchUp(servers);
            sinkAlone(servers, filled);
        }
        out.println("machine load after: " + Machine.load());
        return 0;
    }

    private void steady(BenchServers servers, int run, int rate, Duration commitInterval) throws Exception {
        Topics topics = Topics.withPrefix("steady" + run + ".");
        ProjectorSettings settings = settings(servers, "steady" + run, topics).withCommitInterval(commitInterval);
        BenchShop shop = new BenchShop(topics);
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        Lags lags = new Lags(registry);
        try (TransactionalProducer producer = TransactionalProducer.eager(servers.kafka());
             Projector projector = Projector.start(settings, registry)) {
            List<ProducerRecord<String, byte[]>> customers = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                customers.add(shop.newCustomer());
            }
            producer.send(customers);
            await(() -> SinkProbe.count(settings.sink(), "SELECT count(*) FROM customer") == 1_000);

            long perTick = Math.max(1, rate * TICK.toMillis() / 1000);
            long ticks = (warmup + seconds) * 1000L / TICK.toMillis();
            long next = System.nanoTime();
            long sent = 0;
            long cpu = 0;
            long measuredSent = 0;
            for (long t = 0; t < ticks; t++) {
                if (t == warmup * 1000L / TICK.toMillis()) {
                    lags.measure(true);
                    cpu = CpuClock.jvmNanos();
                    measuredSent = sent;
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
            double cpuPerEvent = (CpuClock.jvmNanos() - cpu) / 1e6 / (sent - measuredSent);
            await(() -> lags.count() > 0 && projectorIdle(settings.sink()));
            lags.measure(false);
            out.printf("steady %d events/s, commit interval %d ms: %d events sent, %d sink changes measured over %d s;"
                            + " end-to-end lag p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (producer %d ms behind schedule);"
                            + " %.3f ms CPU per event (this JVM, broker and producer included)%n",
                    rate, commitInterval.toMillis(), sent, lags.count(), seconds, lags.percentile(50),
                    lags.percentile(95), lags.percentile(99), lags.percentile(100), Math.max(0, behindAtEnd), cpuPerEvent);
            out.flush();
            String name = String.format("%d events/s, commit interval %d ms", rate, commitInterval.toMillis());
            report.lag(lags.run(name));
            report.figure("projector", "CPU per event at " + name, cpuPerEvent, "ms (bench JVM, broker and producer included)");
        }
    }

    private Topics catchUp(BenchServers servers) throws Exception {
        Topics topics = Topics.withPrefix("backlog.");
        ProjectorSettings settings = settings(servers, "backlog", topics);
        BenchShop shop = new BenchShop(topics);
        int customers = backlog / 10;
        try (TransactionalProducer producer = TransactionalProducer.bulk(servers.kafka())) {
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
        Machine.resetPeakRss(Machine.thisProcess());
        long started = System.nanoTime();
        long cpu = CpuClock.jvmNanos();
        try (Projector projector = Projector.start(settings, registry)) {
            await(() -> SinkProbe.count(settings.sink(), "SELECT count(*) FROM customer") == customers
                    && SinkProbe.count(settings.sink(), "SELECT count(*) FROM order_view WHERE customer_name IS NOT NULL") == orders);
            double elapsed = (System.nanoTime() - started) / 1e9;
            double cpuPerEvent = (CpuClock.jvmNanos() - cpu) / 1e6 / backlog;
            double rows = registry.counter("projector.rows.apply").count();
            long rss = Machine.peakRssMiB(Machine.thisProcess());
            out.printf("catch-up of %d events (%d customers, %d orders): %.1f s from start to the last row,"
                            + " %.0f events/s through Streams and the sink, %.3f ms CPU per event (this JVM, broker included),"
                            + " %.0f rows applied (%.0f rows/s), batch apply p99 %.0f ms, peak RSS %s (this JVM, broker included)%n",
                    backlog, customers, orders, elapsed, backlog / elapsed, cpuPerEvent, rows, rows / elapsed,
                    registry.timer("projector.batch.apply").takeSnapshot().percentileValues()[1].value(TimeUnit.MILLISECONDS),
                    RelayBenchCommand.mib(rss));
            out.flush();
            report.rate("projector", "catch-up", backlog / elapsed, "events/s", rss, "bench JVM, broker included");
            report.figure("projector", "catch-up CPU per event", cpuPerEvent, "ms (bench JVM, broker included)");
        }
        return topics;
    }

    /** A second sink database fed by a fresh sink writer from the read-model topics the catch-up filled. */
    private void sinkAlone(BenchServers servers, Topics filled) throws Exception {
        JdbcSettings sink = servers.database("bench_sink_alone", Database.SINK);
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        long total = endOffsets(servers.kafka(), filled.readModel());
        long started;
        long start = System.nanoTime();
        double firstBatch;
        try (SinkWriter writer = SinkWriter.start(new SinkWriter.Config("bench-sink-alone", sink,
                servers.kafka().clientConfig(), filled, ProjectorSettings.DEFAULT_SINK_BATCH), registry)) {
            // from the first batch on: the consumer group's join is not the sink's speed
            await(() -> registry.counter("projector.rows.apply").count() > 0);
            started = System.nanoTime();
            firstBatch = registry.counter("projector.rows.apply").count();
            Machine.resetPeakRss(Machine.thisProcess());
            await(() -> appliedRecords(sink) >= total);
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        double rows = registry.counter("projector.rows.apply").count() - firstBatch;
        if (rows == 0) { // a small backlog fits the first batch: count it, group join included
            rows = firstBatch;
            elapsed = (started - start) / 1e9;
        }
        long rss = Machine.peakRssMiB(Machine.thisProcess());
        out.printf("sink writer alone, replaying readmodel.* into an empty database: %.0f rows after the first batch in %.1f s,"
                        + " %.0f rows/s (batches of up to %d; batch apply p50 %.0f ms, p99 %.0f ms), peak RSS %s (this JVM,"
                        + " broker included)%n",
                rows, elapsed, rows / elapsed, ProjectorSettings.DEFAULT_SINK_BATCH,
                registry.timer("projector.batch.apply").takeSnapshot().percentileValues()[0].value(TimeUnit.MILLISECONDS),
                registry.timer("projector.batch.apply").takeSnapshot().percentileValues()[1].value(TimeUnit.MILLISECONDS),
                RelayBenchCommand.mib(rss));
        out.flush();
        report.rate("projector", "sink writer alone", rows / elapsed, "rows/s", rss, "bench JVM, broker included");
    }

    /** The projector as PROJECTOR_* configure it, on its own topics, sink database and state. */
    private ProjectorSettings settings(BenchServers servers, String name, Topics topics) throws IOException {
        CompactedTopics.create(servers.kafka().clientConfig(), topics.events(), partitions);
        JdbcSettings sink = servers.emptySink("bench_" + name);
        Path state = Files.createTempDirectory("bench-projector-state-");
        ProjectorSettings configured = ProjectorSettings.fromEnv(Env.of(servers.environment(Map.of(), null, sink)));
        return configured.withAnalytics(configured.analytics().withEnabled(analytics))
                .withApplicationId("bench-" + name).withTopics(topics).withStateDir(state).withTopicPartitions(partitions);
    }

    /** Sum over the read-model partitions of the highest offset applied. */
    private static long appliedRecords(JdbcSettings sink) {
        return SinkProbe.count(sink, "SELECT coalesce(sum(applied_offset + 1), 0) FROM projector_offsets");
    }

    private static long endOffsets(KafkaSettings kafka, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
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
        long before = SinkProbe.count(sink, "SELECT coalesce(sum(applied_offset), 0) FROM projector_offsets");
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        return SinkProbe.count(sink, "SELECT coalesce(sum(applied_offset), 0) FROM projector_offsets") == before;
    }

    private static void await(BooleanSupplier condition) {
        Wait.until("the projector", PATIENCE, condition);
    }

    /**
     * The end-to-end lag as users read it, from the sink writer's {@code projector.event.lag} timer: the
     * measured window is the difference of its cumulative histogram between the start and the end, so a
     * percentile is the upper bound of the bucket it falls in (the buckets grow by about a tenth). For the
     * chart, a sampler takes the p99 of every {@link #SAMPLE} interval.
     */
    private static final class Lags {
        private static final Duration SAMPLE = Duration.ofMillis(250);

        private final PrometheusMeterRegistry registry;
        private final List<long[]> samples = new ArrayList<>();
        private CountAtBucket[] atStart = new CountAtBucket[0];
        private CountAtBucket[] atEnd;
        private CountAtBucket[] lastSample = new CountAtBucket[0];
        private ScheduledExecutorService sampler;
        private long since;

        Lags(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        synchronized void measure(boolean on) {
            CountAtBucket[] now = histogram();
            if (on) {
                atStart = now;
                lastSample = now;
                since = System.nanoTime();
                sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-lag-sampler");
                    t.setDaemon(true);
                    return t;
                });
                sampler.scheduleAtFixedRate(this::sample, SAMPLE.toMillis(), SAMPLE.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                atEnd = now;
                if (sampler != null) {
                    sampler.shutdownNow();
                }
            }
        }

        private synchronized void sample() {
            CountAtBucket[] now = histogram();
            long p99 = percentile(lastSample, now, 99);
            if (p99 >= 0) {
                samples.add(new long[] {(System.nanoTime() - since) / 1_000_000, p99});
            }
            lastSample = now;
        }

        synchronized long count() {
            return count(atStart, end());
        }

        synchronized long percentile(int p) {
            return percentile(atStart, end(), p);
        }

        /** The samples and the window's percentiles, for the report's charts. */
        synchronized BenchReport.LagRun run(String name) {
            long[] at = samples.stream().mapToLong(s -> s[0]).toArray();
            long[] values = samples.stream().mapToLong(s -> s[1]).toArray();
            return new BenchReport.LagRun(name, at, values, percentile(50), percentile(95), percentile(99), percentile(100));
        }

        private static long count(CountAtBucket[] from, CountAtBucket[] to) {
            return to.length == 0 ? 0 : (long) (to[to.length - 1].count() - countAt(from, to.length - 1));
        }

        private static long percentile(CountAtBucket[] from, CountAtBucket[] to, int p) {
            long total = count(from, to);
            if (total == 0) {
                return -1;
            }
            for (int i = 0; i < to.length; i++) {
                if (to[i].count() - countAt(from, i) >= Math.ceil(p / 100.0 * total)) {
                    return (long) to[i].bucket(TimeUnit.MILLISECONDS);
                }
            }
            return (long) to[to.length - 1].bucket(TimeUnit.MILLISECONDS);
        }

        private CountAtBucket[] histogram() {
            return registry.timer(SinkMetrics.EVENT_LAG).takeSnapshot().histogramCounts();
        }

        private CountAtBucket[] end() {
            return atEnd != null ? atEnd : histogram();
        }

        private static double countAt(CountAtBucket[] counts, int i) {
            return i < counts.length ? counts[i].count() : 0;
        }
    }
}
