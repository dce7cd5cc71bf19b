package dev.outboxpipeline.infra;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) running in this JVM on loopback,
 * with the replication settings that make transactions work on one node. Stopped and deleted on close.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path logDirectory;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> config;
    private KafkaRaftServer server;

    private KafkaBroker(Path logDirectory, int port, int controllerPort, Map<String, String> overrides) {
        this.logDirectory = logDirectory;
        this.port = port;
        this.controllerPort = controllerPort;
        this.config = brokerConfig(overrides);
    }

    public static KafkaBroker start() {
        return start(Map.of());
    }

    /** Starts a broker; {@code overrides} are broker properties, e.g. log cleaner settings for compaction tests. */
    public static KafkaBroker start(Map<String, String> overrides) {
        try {
            KafkaBroker broker = new KafkaBroker(Files.createTempDirectory("pipeline-kafka-"),
                    FreePorts.find(), FreePorts.find(), overrides);
            broker.format();
            broker.boot();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Stops the broker and starts it again on the same port and log, as a broker-restart test needs. */
    public synchronized void restart() {
        stopServer();
        boot();
    }

    @Override
    public synchronized void close() {
        try {
            stopServer();
        } finally {
            TempFiles.deleteRecursively(logDirectory);
        }
    }

    private Map<String, String> brokerConfig(Map<String, String> overrides) {
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", "1");
        c.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        c.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("log.dirs", logDirectory.toString());
        // one node: every internal topic has one replica, and transactions need the same
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "5");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "5");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("default.replication.factor", "1");
        c.put("min.insync.replicas", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("num.partitions", "1");
        // topics are created on purpose, with the cleanup policy they need
        c.put("auto.create.topics.enable", "false");
        c.putAll(overrides);
        return Map.copyOf(c);
    }

    private void format() {
        Path properties = logDirectory.resolve("server.properties");
        Properties p = new Properties();
        p.putAll(config);
        try (OutputStream out = Files.newOutputStream(properties)) {
            p.store(out, "in-process KRaft broker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", properties.toString(), "--ignore-formatted"},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IllegalStateException("formatting the Kafka log failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void boot() {
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        s.startup();
        server = s;
        awaitReady();
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("Kafka broker not ready within " + READY_TIMEOUT, e);
                    }
                }
                Sleeper.pause(Duration.ofMillis(100));
            }
        }
    }

    private void stopServer() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
