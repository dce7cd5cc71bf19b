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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./pipeline bench relay}: a backlog of committed outbox events waits in the slot; a relay process
 * drains it into Kafka. Prints the drain rate and the relay process's CPU per event, measured from its first
 * relayed event to its last (JVM start-up excluded).
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        header = "The relay's drain rate and CPU per event on a backlog.",
        description = "Drain rate (events/s) and CPU per event of the relay on a backlog waiting in the slot.")
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

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (BenchServers servers = BenchServers.postgresAndKafka("bench-relay", bench.env())) {
            JdbcSettings source = servers.database("bench_relay", Database.SOURCE);
            Map<String, String> env = servers.environment(Map.of("RELAY_TOPIC_PARTITIONS", "3"), source, null);
            report.setting("relay", "events", events);
            report.setting("relay", "payloadBytes", payloadBytes);
            report.setting("relay", "perTransaction", perTransaction);

            // the first start creates the slot; the backlog then waits in it
            try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry())) {
                Wait.streaming(relay);
            }
            long writeStarted = System.nanoTime();
            writeBacklog(source);
            out.printf("backlog: %,d events (%d bytes of payload, %d per transaction) written in %.1f s%n", events,
                    payloadBytes, perTransaction, (System.nanoTime() - writeStarted) / 1e9);
            out.flush();

            Path log = Files.createTempFile("bench-relay-", ".log");
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
            if (System.getenv("BENCH_RELAY_JFR") != null) {
                // a flight recording of the relay process, to see where its CPU goes
                command.add("-XX:StartFlightRecording=filename=" + System.getenv("BENCH_RELAY_JFR") + ",settings=profile");
            }
            command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), RelayService.class.getName()));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process relay = pb.start();
            try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(servers.bootstrapServers())) {
                consumer.subscribe(java.util.List.of(TopicNames.eventTopic(AGGREGATE_TYPE)));
                long n = 0;
                long first = 0;
                long firstAt = 0;
                Duration firstCpu = Duration.ZERO;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
                while (true) {
                    n += consumer.poll(Duration.ofMillis(20)).count();
                    if (n > 0 && firstAt == 0) {
                        firstAt = System.nanoTime();
                        first = n;
                        firstCpu = cpu(relay);
                        Machine.resetPeakRss(relay.pid());
                    }
                    if (n >= events) {
                        long tookNanos = System.nanoTime() - firstAt;
                        Duration usedCpu = cpu(relay).minus(firstCpu);
                        long measured = n - first;
                        double rate = measured / (tookNanos / 1e9);
                        long rss = Machine.peakRssMiB(relay.pid());
                        out.printf("drained %,d events: %,.0f events/s, %.3f ms CPU per event, peak RSS %s (relay process;"
                                + " %,d events measured after the first commit, %.1f s)%n", n, rate,
                                usedCpu.toNanos() / 1e6 / measured, mib(rss), measured, tookNanos / 1e9);
                        out.printf("load: %s%n", Machine.load());
                        out.flush();
                        report.rate("relay", "drain", rate, "events/s", rss, "relay process");
                        report.figure("relay", "CPU per event", usedCpu.toNanos() / 1e6 / measured, "ms");
                        break;
                    }
                    if (!relay.isAlive() || System.nanoTime() > deadline) {
                        out.printf("the relay did not drain the backlog (%d of %d); its log: %s%n", n, events, log);
                        return 1;
                    }
                }
                if (writerSeconds > 0) {
                    // attached first: the relay has caught up, and decodes what the writer commits as it goes
                    Duration cpuBefore = cpu(relay);
                    Machine.resetPeakRss(relay.pid());
                    double attached = writerRate(source);
                    double relayCores = cpu(relay).minus(cpuBefore).toNanos() / 1e9 / writerSeconds;
                    long rss = Machine.peakRssMiB(relay.pid());
                    relay.destroy();
                    relay.waitFor(60, TimeUnit.SECONDS);
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
                relay.destroy();
                relay.waitFor(60, TimeUnit.SECONDS);
            }
            return 0;
        }
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
        java.util.List<Thread> threads = new java.util.ArrayList<>();
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

    private static Duration cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    static String mib(long rss) {
        return rss < 0 ? "unknown" : rss + " MiB";
    }
}
