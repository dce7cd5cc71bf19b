package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.infra.SharedServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A measurement, not a test (issue 11, item 4): one source transaction of N outbox rows (default 1,000,000,
 * one COPY) through a relay with default settings, read {@code read_committed}; prints how long it took from
 * the source commit until the last event was visible, and whether each arrived exactly once. Run it with
 * the command in docs/benchmarks.md; it starts its own PostgreSQL and Kafka.
 */
public final class LargeSourceTransaction {

    private LargeSourceTransaction() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        RelayFixture f = new RelayFixture(SharedServers.postgres(), SharedServers.kafka(), "large");
        Map<String, String> env = f.env();
        try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry());
             Connection c = f.connect();
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, f.kafka.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "large-" + f.name,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000,
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            while (relay.state() != Relay.State.STREAMING) {
                Thread.sleep(100); // a measurement's own pacing, not a test
            }
            System.out.printf("writing one transaction of %,d outbox rows (COPY)...%n", rows);
            List<OutboxEvent> events = new java.util.ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                events.add(f.event("k" + (i % 10_000), i / 10_000 + 1));
            }
            long writeStart = System.nanoTime();
            OutboxWrites.copy(c, events);
            long committedAt = System.nanoTime();
            System.out.printf("committed in %.1f s; waiting for the relay...%n", (committedAt - writeStart) / 1e9);
            events = null;
            consumer.subscribe(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(f.eventTopic())));
            Set<UUID> seen = new HashSet<>(rows * 2);
            long duplicates = 0;
            long firstVisible = 0;
            while (seen.size() < rows) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (firstVisible == 0) {
                        firstVisible = System.nanoTime();
                    }
                    Header id = r.headers().lastHeader("id");
                    if (!seen.add(UUID.fromString(new String(id.value(), StandardCharsets.UTF_8)))) {
                        duplicates++;
                    }
                }
                if (relay.state() == Relay.State.REFUSING) {
                    System.out.println("relay refused: " + relay.health().details());
                    return;
                }
            }
            long done = System.nanoTime();
            System.out.printf("%,d events exactly once: %s (duplicates %d); commit to first visible %.1f s, to last %.1f s "
                    + "(%.0f events/s)%n", seen.size(), duplicates == 0, duplicates, (firstVisible - committedAt) / 1e9,
                    (done - committedAt) / 1e9, rows / ((done - committedAt) / 1e9));
        }
        System.exit(0);
    }
}
