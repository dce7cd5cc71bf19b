package dev.outboxpipeline.lab.chaos;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One KRaft node (broker and controller) as a process of its own, so that a chaos run can SIGKILL it:
 * {@code ChaosBroker <server.properties> <cluster-id>}. Formats its log directory on first start.
 */
public final class ChaosBroker {

    private ChaosBroker() {
    }

    public static void main(String[] args) throws IOException {
        Path properties = Path.of(args[0]);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(properties)) {
            p.load(in);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = StorageTool.execute(new String[] {"format", "--cluster-id", args[1], "--config", properties.toString(),
                "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            System.err.println("formatting the Kafka log failed: " + output.toString(StandardCharsets.UTF_8));
            System.exit(2);
        }
        Map<String, String> config = new HashMap<>();
        p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k)));
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "broker-shutdown"));
        server.startup();
        System.out.println("broker " + config.get("node.id") + " started on " + config.get("listeners"));
        server.awaitShutdown();
    }
}
