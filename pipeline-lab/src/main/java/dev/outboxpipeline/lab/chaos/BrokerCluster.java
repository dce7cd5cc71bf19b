package dev.outboxpipeline.lab.chaos;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One or three KRaft nodes, each a child process. With three, internal and event topics get replication factor 3
 * and {@code min.insync.replicas} 2, as production runs transactions; one node can then die while two carry on.
 */
public final class BrokerCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final Path directory;
    private final List<ChildJvm> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private BrokerCluster(Path directory) {
        this.directory = directory;
    }

    public static BrokerCluster start(int size, Path logs) {
        try {
            BrokerCluster c = new BrokerCluster(Files.createTempDirectory("chaos-kafka-"));
            c.boot(size, logs);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka brokers: " + e.getMessage(), e);
        }
    }

    private void boot(int size, Path logs) throws IOException {
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(Ports.free());
            controllerPorts.add(Ports.free());
        }
        String voters = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i)).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        String replicas = Integer.toString(size);
        String minIsr = Integer.toString(size >= 3 ? 2 : 1);
        for (int i = 0; i < size; i++) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("process.roles", "broker,controller");
            c.put("node.id", Integer.toString(i + 1));
            c.put("controller.quorum.voters", voters);
            c.put("listeners", "PLAINTEXT://127.0.0.1:" + ports.get(i) + ",CONTROLLER://127.0.0.1:" + controllerPorts.get(i));
            c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports.get(i));
            c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            c.put("controller.listener.names", "CONTROLLER");
            c.put("inter.broker.listener.name", "PLAINTEXT");
            c.put("log.dirs", directory.resolve("node-" + (i + 1)).toString());
            c.put("offsets.topic.replication.factor", replicas);
            c.put("offsets.topic.num.partitions", "5");
            c.put("transaction.state.log.replication.factor", replicas);
            c.put("transaction.state.log.min.isr", minIsr);
            c.put("transaction.state.log.num.partitions", "5");
            c.put("share.coordinator.state.topic.replication.factor", replicas);
            c.put("share.coordinator.state.topic.min.isr", minIsr);
            c.put("default.replication.factor", replicas);
            c.put("min.insync.replicas", minIsr);
            c.put("group.initial.rebalance.delay.ms", "0");
            c.put("num.partitions", "1");
            c.put("auto.create.topics.enable", "false");
            // a paused relay's transaction must time out soon, and the coordinator must abort it promptly
            c.put("transaction.max.timeout.ms", Long.toString(ChaosTimeouts.TRANSACTION_TIMEOUT.toMillis()));
            c.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "5000");
            Path file = directory.resolve("node-" + (i + 1) + ".properties");
            Properties p = new Properties();
            p.putAll(c);
            try (OutputStream out = Files.newOutputStream(file)) {
                p.store(out, "chaos broker " + (i + 1));
            }
            nodes.add(ChildJvm.start("broker-" + (i + 1), "512m", ChaosBroker.class.getName(),
                    List.of(file.toString(), clusterId), Map.of(), logs.resolve("broker-" + (i + 1) + ".log")));
        }
        awaitNodes(size);
    }

    public String bootstrapServers() {
        return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public int size() {
        return nodes.size();
    }

    public ChildJvm node(int nodeId) {
        return nodes.get(nodeId - 1);
    }

    /** The node leading most partitions of these topics (the relay's event and offset topics), or node 1. */
    public int leaderOf(Set<String> topics) {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Map<Integer, Integer> led = new LinkedHashMap<>();
            for (TopicDescription d : admin.describeTopics(topics.stream().filter(existing::contains).toList())
                    .allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                d.partitions().forEach(p -> {
                    if (p.leader() != null) {
                        led.merge(p.leader().id(), 1, Integer::sum);
                    }
                });
            }
            return led.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(1);
        } catch (Exception e) {
            return 1;
        }
    }

    /** Waits until {@code count} nodes are registered with the cluster. */
    public void awaitNodes(int count) {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        // an admin client on a port nobody listens on yet logs a warning per retry: wait for a listener first
        while (ports.stream().noneMatch(BrokerCluster::listening) && Instant.now().isBefore(deadline)) {
            Pause.of(Duration.ofMillis(500));
        }
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(count + " Kafka node(s) not ready within " + READY_TIMEOUT
                            + ": see " + directory);
                }
                Pause.of(Duration.ofMillis(500));
            }
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000"));
    }

    @Override
    public void close() {
        nodes.forEach(n -> n.terminate(60));
        Ports.deleteRecursively(directory);
    }
}
