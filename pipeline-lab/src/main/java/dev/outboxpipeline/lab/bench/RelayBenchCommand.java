package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.relay.Relay;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.relay.RelayService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./pipeline bench relay}: a backlog of committed outbox events waits in the slot; a relay process
 * drains it into Kafka. Prints the drain rate and the relay process's CPU per event, measured from its first
 * relayed event to its last (JVM start-up excluded).
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        header = "The relay's drain rate and CPU per event on a backlog.",
        description = "Drain rate (events/s) and CPU per event of the relay on a backlog waiting in the slot.")
public final class RelayBenchCommand implements Callable<Integer> {

    private static final String AGGREGATE_TYPE = "customer";

    @Spec
    private CommandSpec spec;

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
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        try (PostgresServer postgres = PostgresServers.start("bench-relay", quiet); KafkaBroker kafka = KafkaBroker.start()) {
            String url = postgres.createDatabase("bench_relay");
            Migrations.migrate(Database.SOURCE, JdbcSettings.of(JdbcSettings.SOURCE, url, postgres.user(), postgres.password()));
            Map<String, String> env = new HashMap<>();
            env.put("SOURCE_DB_URL", url);
            env.put("SOURCE_DB_USER", postgres.user());
            env.put("SOURCE_DB_PASSWORD", postgres.password());
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("RELAY_HTTP_PORT", "0");
            env.put("RELAY_TOPIC_PARTITIONS", "3");
            System.getenv().forEach((k, v) -> {
                boolean tuning = k.startsWith("RELAY_") && !k.equals("RELAY_HTTP_PORT")
                        || k.startsWith("KAFKA_") && !k.equals("KAFKA_BOOTSTRAP_SERVERS");
                if (tuning) {
                    env.put(k, v); // tuning knobs pass through
                }
            });

            // the first start creates the slot; the backlog then waits in it
            try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry())) {
                awaitState(relay);
            }
            long writeStarted = System.nanoTime();
            writeBacklog(url, postgres);
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
            try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(kafka.bootstrapServers())) {
                consumer.subscribe(java.util.List.of(RelaySettings.EVENT_TOPIC_PREFIX + AGGREGATE_TYPE));
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
                    }
                    if (n >= events) {
                        long tookNanos = System.nanoTime() - firstAt;
                        Duration usedCpu = cpu(relay).minus(firstCpu);
                        long measured = n - first;
                        out.printf("drained %,d events: %,.0f events/s, %.3f ms CPU per event (relay process; %,d events "
                                + "measured after the first commit, %.1f s)%n", n, measured / (tookNanos / 1e9),
                                usedCpu.toNanos() / 1e6 / measured, measured, tookNanos / 1e9);
                        out.printf("load: %s%n", uptime());
                        out.flush();
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
                    double attached = writerRate(url, postgres);
                    double relayCores = cpu(relay).minus(cpuBefore).toNanos() / 1e9 / writerSeconds;
                    relay.destroy();
                    relay.waitFor(60, TimeUnit.SECONDS);
                    double alone = writerRate(url, postgres);
                    out.printf("writer (%d JDBC connections, one event per transaction): %,.0f tx/s without CDC, %,.0f tx/s "
                            + "with the relay attached: %.2f of its rate (the relay process used %.2f cores meanwhile)%n",
                            writerThreads, alone, attached, attached / alone, relayCores);
                    out.printf("load: %s%n", uptime());
                }
            } finally {
                relay.destroy();
                relay.waitFor(60, TimeUnit.SECONDS);
            }
            return 0;
        }
    }

    private static void awaitState(Relay relay) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (relay.state() != Relay.State.STREAMING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the relay did not start streaming");
            }
            Thread.sleep(50); // start-up of the engine
        }
    }

    private void writeBacklog(String url, PostgresServer postgres) throws Exception {
        String filler = "x".repeat(Math.max(0, payloadBytes - 90));
        try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
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

    private double writerRate(String url, PostgresServer postgres) throws Exception {
        String payload = "{\"id\": \"w\", \"note\": \"" + "x".repeat(Math.max(0, payloadBytes - 30)) + "\"}";
        java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(writerSeconds);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < writerThreads; t++) {
            Thread thread = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
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

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim() + " (1, 5, 15 min load averages; 2 cores shared)";
        } catch (Exception e) {
            return "unknown";
        }
    }
}
