package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.contract.TopicNames;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.relay.Relay;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.relay.RelayService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./pipeline bench relay}: a backlog of committed outbox events waits in the slot. Debezium's engine alone
 * drains it first without consuming it (its ceiling), then a relay process drains it into Kafka: the drain rates,
 * CPU per event and peak RSS of both, measured from the first event to the last (JVM start-up excluded). Then the
 * relay's lag, source commit to Kafka commit, at steady rates, and a JDBC writer's rate with the relay attached.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        header = "The relay's drain rate and CPU per event on a backlog.",
        description = {"Drain rate (events/s), CPU per event and peak RSS of the relay on a backlog waiting in the slot,"
                + " beside Debezium's engine alone on the same backlog; then the relay's lag (source commit to Kafka"
                + " commit) at steady rates, and a JDBC writer's rate with the relay attached and without."})
public final class RelayBenchCommand extends ReportingBench {

    private static final String AGGREGATE_TYPE = "customer";

    @Option(names = "--events", defaultValue = "200000", description = "Events in the backlog (default ${DEFAULT-VALUE}).")
    private int events;

    @Option(names = "--payload-bytes", defaultValue = "300", description = "Payload size (default ${DEFAULT-VALUE}).")
    private int payloadBytes;

    @Option(names = "--per-transaction", defaultValue = "10", description = "Events per source transaction (default ${DEFAULT-VALUE}).")
    private int perTransaction;

    @Option(names = "--writer-seconds", defaultValue = "20",
            description = "Then measure a JDBC writer's rate with the relay attached and without, this long each; 0 skips (default ${DEFAULT-VALUE}).")
    private int writerSeconds;

    @Option(names = "--writer-threads", defaultValue = "4", description = "Writer connections (default ${DEFAULT-VALUE}).")
    private int writerThreads;

    @Option(names = "--relay-heap", defaultValue = "256m",
            description = "The relay process's -Xmx, and the engine's alone (default ${DEFAULT-VALUE}).")
    private String relayHeap;

    @Option(names = "--engine", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "First drain the same backlog with Debezium's engine alone (the relay's connector configuration, "
                    + "a consumer that does nothing), for the relay's ratio to it (default ${DEFAULT-VALUE}).")
    private boolean engine;

    @Option(names = "--lag-rates", split = ",", defaultValue = "1000,5000",
            description = "Then the relay's lag, source commit to Kafka commit, at these steady rates (events/s); 0 skips "
                    + "(default ${DEFAULT-VALUE}).")
    private List<Integer> lagRates;

    @Option(names = "--lag-seconds", defaultValue = "20", description = "Measured per rate, after a warm-up (default ${DEFAULT-VALUE}).")
    private int lagSeconds;

    @Option(names = "--idle-seconds", defaultValue = "10",
            description = "After the lag, the relay's CPU while nothing is written, this long; 0 skips (default ${DEFAULT-VALUE}).")
    private int idleSeconds;

    @Option(names = "--lag-poll-intervals", split = ",", paramLabel = "DURATION",
            description = "Measure the lag with a relay started with each RELAY_POLL_INTERVAL, e.g. 50ms,20ms,10ms,5ms "
                    + "(default: the relay as configured, the one that drained the backlog).")
    private List<String> pollIntervals = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (BenchServers servers = BenchServers.postgresAndKafka("bench-relay", bench.env())) {
            JdbcSettings source = servers.database("bench_relay", Database.SOURCE);
            Map<String, String> env = servers.environment(Map.of("RELAY_TOPIC_PARTITIONS", "3"), source, null);
            report.setting("relay", "events", events);
            report.setting("relay", "payloadBytes", payloadBytes);
            report.setting("relay", "perTransaction", perTransaction);
            report.setting("relay", "relayHeap", relayHeap);

            // the first start creates the slot; the backlog then waits in it
            try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry())) {
                Wait.streaming(relay);
            }
            long writeStarted = System.nanoTime();
            writeBacklog(source);
            out.printf("backlog: %,d events (%d bytes of payload, %d per transaction) written in %.1f s%n", events,
                    payloadBytes, perTransaction, (System.nanoTime() - writeStarted) / 1e9);
            out.flush();

            long postmaster = postmaster(source);
            Drained ceiling = engine ? engineAlone(env, postmaster, out) : null;
            if (engine && ceiling == null) {
                return 1;
            }
            BenchJvm relay = BenchJvm.start("relay", relayHeap, RelayService.class, List.of(), env);
            try {
                Drained drained = drain(relay, postmaster, servers.bootstrapServers());
                if (drained == null) {
                    out.printf("the relay did not drain the backlog; its log: %s%n", relay.log());
                    return 1;
                }
                out.printf("relay: drained %,d events: %,.0f events/s, %.4f ms CPU per event, peak RSS %s (relay process, -Xmx%s;"
                        + " %,d events measured after the first commit, %.1f s)%n", events, drained.rate(),
                        drained.cpuMsPerEvent(), mib(drained.peakRssMiB()), relayHeap, drained.measured(), drained.seconds());
                out.printf("load: %s%n", Machine.load());
                out.printf("  meanwhile, CPU per event of PostgreSQL (its WAL sender): %s; of this JVM (the broker, the consumer): %s%n",
                        ms(drained.postgresCpuNanos(), drained.measured()), ms(drained.benchCpuNanos(), drained.measured()));
                report.rate("relay", "drain", drained.rate(), "events/s", drained.peakRssMiB(), "relay process");
                report.figure("relay", "CPU per event", drained.cpuMsPerEvent(), "ms");
                if (ceiling != null) {
                    out.printf("relay / engine alone: %.2f of its rate, %.2f times its CPU per event%n",
                            drained.rate() / ceiling.rate(), drained.cpuMsPerEvent() / ceiling.cpuMsPerEvent());
                    report.figure("relay", "drain, relay / engine alone", drained.rate() / ceiling.rate(), "ratio");
                    report.figure("relay", "CPU per event, relay / engine alone",
                            drained.cpuMsPerEvent() / ceiling.cpuMsPerEvent(), "ratio");
                }
                out.flush();

                if (lagRates.stream().anyMatch(r -> r > 0)) {
                    if (pollIntervals.isEmpty()) {
                        lags(relay, null, source, servers.bootstrapServers(), out);
                    } else {
                        relay.close();
                        for (int i = 0; i < pollIntervals.size(); i++) {
                            String interval = pollIntervals.get(i).trim();
                            Map<String, String> withInterval = new LinkedHashMap<>(env);
                            withInterval.put("RELAY_POLL_INTERVAL", interval);
                            relay = BenchJvm.start("relay-poll-" + interval + "-" + i, relayHeap, RelayService.class, List.of(),
                                    withInterval);
                            lags(relay, interval, source, servers.bootstrapServers(), out);
                            if (i < pollIntervals.size() - 1) {
                                // stopped before the next starts: a relay left running would hold the slot, the next one a standby
                                relay.close();
                            }
                        }
                    }
                }

                if (writerSeconds > 0) {
                    // attached first: the relay has caught up, and decodes what the writer commits as it goes
                    Duration cpuBefore = relay.cpu();
                    Machine.resetPeakRss(relay.pid());
                    double attached = writerRate(source);
                    double relayCores = relay.cpu().minus(cpuBefore).toNanos() / 1e9 / writerSeconds;
                    long rss = Machine.peakRssMiB(relay.pid());
                    relay.close();
                    double alone = writerRate(source);
                    out.printf("writer (%d JDBC connections, one event per transaction): %,.0f tx/s without CDC, %,.0f tx/s "
                            + "with the relay attached: %.2f of its rate (the relay process used %.2f cores meanwhile,"
                            + " peak RSS %s)%n", writerThreads, alone, attached, attached / alone, relayCores, mib(rss));
                    out.printf("load: %s%n", Machine.load());
                    report.rate("relay", "JDBC writer, relay attached", attached, "transactions/s", rss, "relay process");
                    report.rate("relay", "JDBC writer, no CDC", alone, "transactions/s", -1, null);
                    report.figure("relay", "relay cores while following the writer", relayCores, "cores");
                }
            } finally {
                relay.close();
            }
            return 0;
        }
    }

    /**
     * A drain of the backlog: events/s and CPU per event from the first event on, the process's peak RSS, and what
     * PostgreSQL and this JVM (the broker) used meanwhile (-1: unknown).
     */
    record Drained(long measured, double seconds, long cpuNanos, long peakRssMiB, long postgresCpuNanos, long benchCpuNanos) {
        double rate() {
            return measured / seconds;
        }

        double cpuMsPerEvent() {
            return cpuNanos / 1e6 / measured;
        }
    }

    private Drained engineAlone(Map<String, String> env, long postmaster, PrintWriter out) throws Exception {
        long postgresBefore = CpuClock.postgresNanosWithEnded(postmaster);
        long benchBefore = CpuClock.jvmNanos();
        try (BenchJvm engineJvm = BenchJvm.start("engine-alone", relayHeap, EngineAlone.class, List.of(String.valueOf(events)), env)) {
            if (!engineJvm.awaitExit(Duration.ofMinutes(15))) {
                out.printf("the engine alone did not drain the backlog; its log: %s%n", engineJvm.log());
                return null;
            }
            Map<String, String> result = new HashMap<>();
            engineJvm.output().stream().filter(l -> l.startsWith(EngineAlone.RESULT)).findFirst().ifPresent(line -> {
                for (String field : line.substring(EngineAlone.RESULT.length()).trim().split(" ")) {
                    String[] kv = field.split("=", 2);
                    result.put(kv[0], kv[1]);
                }
            });
            if (result.isEmpty()) {
                out.printf("the engine alone did not drain the backlog; its log: %s%n", engineJvm.log());
                return null;
            }
            // PostgreSQL's and this JVM's CPU over the engine process's whole life: it did little else
            Drained d = new Drained(Long.parseLong(result.get("measured")), Double.parseDouble(result.get("seconds")),
                    Long.parseLong(result.get("cpuNanos")), Long.parseLong(result.get("peakRssMiB")),
                    since(postgresBefore, CpuClock.postgresNanosWithEnded(postmaster)), since(benchBefore, CpuClock.jvmNanos()));
            out.printf("engine alone (Debezium's embedded engine, the relay's connector configuration, a consumer that does"
                    + " nothing): %,.0f events/s, %.4f ms CPU per event, peak RSS %s (-Xmx%s; %,d events measured after the"
                    + " first batch, %.1f s)%n", d.rate(), d.cpuMsPerEvent(), mib(d.peakRssMiB()), relayHeap, d.measured(),
                    d.seconds());
            out.printf("  meanwhile (the engine process's life), CPU per event of PostgreSQL (its WAL sender): %s; of this JVM"
                    + " (an idle broker): %s%n", ms(d.postgresCpuNanos(), d.measured()), ms(d.benchCpuNanos(), d.measured()));
            out.printf("load: %s%n", Machine.load());
            out.flush();
            report.rate("relay", "engine alone drain", d.rate(), "events/s", d.peakRssMiB(), "engine process");
            report.figure("relay", "engine alone CPU per event", d.cpuMsPerEvent(), "ms");
            return d;
        }
    }

    private Drained drain(BenchJvm relay, long postmaster, String bootstrapServers) {
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(bootstrapServers)) {
            consumer.subscribe(List.of(TopicNames.eventTopic(AGGREGATE_TYPE)));
            long n = 0;
            long first = 0;
            long firstAt = 0;
            Duration firstCpu = Duration.ZERO;
            long postgresFirst = -1;
            long benchFirst = -1;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (n < events) {
                n += consumer.poll(Duration.ofMillis(20)).count();
                if (n > 0 && firstAt == 0) {
                    firstAt = System.nanoTime();
                    first = n;
                    firstCpu = relay.cpu();
                    postgresFirst = CpuClock.postgresNanos(postmaster);
                    benchFirst = CpuClock.jvmNanos();
                    Machine.resetPeakRss(relay.pid());
                }
                if (!relay.alive() || System.nanoTime() > deadline) {
                    return null;
                }
            }
            return new Drained(n - first, (System.nanoTime() - firstAt) / 1e9, relay.cpu().minus(firstCpu).toNanos(),
                    Machine.peakRssMiB(relay.pid()), since(postgresFirst, CpuClock.postgresNanos(postmaster)),
                    since(benchFirst, CpuClock.jvmNanos()));
        }
    }

    /** The relay's lag at each steady rate: a writer commits at the rate, a read_committed consumer receives. */
    private void lags(BenchJvm relay, String pollInterval, JdbcSettings source, String bootstrapServers, PrintWriter out)
            throws Exception {
        String poll = pollInterval != null ? pollInterval : bench.env().get("RELAY_POLL_INTERVAL",
                RelaySettings.DEFAULT_POLL.toMillis() + "ms");
        for (int rate : lagRates) {
            if (rate <= 0) {
                continue;
            }
            String aggregateType = "lag" + rate + "p" + poll.replaceAll("[^A-Za-z0-9]", "");
            SteadyOutboxWriter writer = new SteadyOutboxWriter(source, aggregateType, payloadBytes);
            try (RelayLag lag = new RelayLag(bootstrapServers, TopicNames.eventTopic(aggregateType))) {
                // warm-up: until the relay (perhaps just started) relays this topic, then a few seconds more
                long warmed = 0;
                long warmUpDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (lag.received() == 0) {
                    warmed += inBackground(() -> writer.write(rate, 1), lag).events();
                    if (System.nanoTime() > warmUpDeadline || !relay.alive()) {
                        out.printf("the relay relayed nothing at %d events/s; its log: %s%n", rate, relay.log());
                        return;
                    }
                }
                warmed += inBackground(() -> writer.write(rate, 3), lag).events();
                long from = System.currentTimeMillis();
                Duration cpuBefore = relay.cpu();
                SteadyOutboxWriter.Written measured = inBackground(() -> writer.write(rate, lagSeconds), lag);
                Duration cpu = relay.cpu().minus(cpuBefore);
                long expected = warmed + measured.events();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (lag.received() < expected && System.nanoTime() < deadline) {
                    lag.poll();
                }
                RelayLag.Percentiles p = lag.since(from);
                double cpuMs = cpu.toNanos() / 1e6 / measured.events();
                out.printf("relay lag, source commit to Kafka commit (read_committed), %,d events/s (%,.0f achieved, %,d "
                        + "transactions in %d s), RELAY_POLL_INTERVAL=%s: p50 %d, p95 %d, p99 %d, max %d ms over %,d events;"
                        + " %.4f ms relay CPU per event (%.2f cores)%s%n", rate, measured.rate(), measured.transactions(),
                        lagSeconds, poll, p.p50(), p.p95(), p.p99(), p.max(), p.count(), cpuMs,
                        cpu.toNanos() / 1e9 / measured.seconds(),
                        lag.received() < expected ? " (" + (expected - lag.received()) + " events not received)" : "");
                out.printf("load: %s%n", Machine.load());
                out.flush();
                String name = "lag at " + rate + " events/s" + (pollInterval != null ? ", RELAY_POLL_INTERVAL=" + poll : "");
                report.latency("relay", name, p.p50(), p.p95(), p.p99(), p.max());
                report.figure("relay", "CPU per event, " + name, cpuMs, "ms");
            }
        }
        if (idleSeconds > 0) {
            // what a short poll interval costs when there is nothing to relay: the engine wakes up each interval
            Duration before = relay.cpu();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(idleSeconds));
            double cores = relay.cpu().minus(before).toNanos() / 1e9 / idleSeconds;
            out.printf("relay idle for %d s, RELAY_POLL_INTERVAL=%s: %.4f cores%n", idleSeconds, poll, cores);
            out.flush();
            report.figure("relay", "relay cores while idle" + (pollInterval != null ? ", RELAY_POLL_INTERVAL=" + poll : ""),
                    cores, "cores");
        }
    }

    /** Runs the writer in a thread of its own while this one receives. */
    private static SteadyOutboxWriter.Written inBackground(Callable<SteadyOutboxWriter.Written> write, RelayLag lag)
            throws Exception {
        FutureTask<SteadyOutboxWriter.Written> task = new FutureTask<>(write);
        Thread t = new Thread(task, "bench-lag-writer");
        t.start();
        while (!task.isDone()) {
            lag.poll();
        }
        return task.get();
    }

    private void writeBacklog(JdbcSettings source) throws Exception {
        String filler = "x".repeat(Math.max(0, payloadBytes - 90));
        try (Connection c = Connections.open(source);
             PreparedStatement p = c.prepareStatement("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, "
                     + "aggregate_version) VALUES (?, ?, ?, 'CustomerUpdated', ?::jsonb, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < events; i++) {
                String aggregate = "c" + (i % 10_000);
                long version = i / 10_000 + 1;
                p.setObject(1, UUID.randomUUID());
                p.setString(2, AGGREGATE_TYPE);
                p.setString(3, aggregate);
                p.setString(4, "{\"id\": \"" + aggregate + "\", \"name\": \"Customer " + i + "\", \"note\": \"" + filler
                        + "\", \"version\": " + version + "}");
                p.setLong(5, version);
                p.addBatch();
                if ((i + 1) % perTransaction == 0 || i == events - 1) {
                    p.executeBatch();
                    c.commit();
                }
            }
        }
    }

    private double writerRate(JdbcSettings source) throws Exception {
        String payload = "{\"id\": \"w\", \"note\": \"" + "x".repeat(Math.max(0, payloadBytes - 30)) + "\"}";
        java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(writerSeconds);
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < writerThreads; t++) {
            Thread thread = new Thread(() -> {
                try (Connection c = Connections.open(source);
                     PreparedStatement p = c.prepareStatement("INSERT INTO outbox (id, aggregatetype, aggregateid, type, "
                             + "payload, aggregate_version) VALUES (?, 'writerbench', ?, 'CustomerUpdated', ?::jsonb, 1)")) {
                    c.setAutoCommit(false);
                    while (System.nanoTime() < until) {
                        UUID id = UUID.randomUUID();
                        p.setObject(1, id);
                        p.setString(2, id.toString());
                        p.setString(3, payload);
                        p.executeUpdate();
                        c.commit();
                        commits.incrementAndGet();
                    }
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return commits.get() / (double) writerSeconds;
    }

    private static KafkaConsumer<byte[], byte[]> readCommitted(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-relay");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(c);
    }

    private static long since(long before, long now) {
        return before < 0 || now < 0 ? -1 : now - before;
    }

    private static String ms(long cpuNanos, long events) {
        return cpuNanos < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.4f ms", cpuNanos / 1e6 / events);
    }

    private static long postmaster(JdbcSettings source) throws java.sql.SQLException {
        try (Connection c = Connections.open(source); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return CpuClock.postmasterOf(rs.getLong(1));
        }
    }

    static String mib(long rss) {
        return rss < 0 ? "unknown" : rss + " MiB";
    }
}
