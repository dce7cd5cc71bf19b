package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyAnalyticsCommandIT {

    private final PostgresServer server = SharedServers.postgres();
    private final KafkaBroker kafka = SharedServers.kafka();

    @Test
    void exitsZeroWhenTheFinalWindowsMatchTheOrderTopicAndOneNamingTheWindowOtherwise() throws Exception {
        String prefix = "verify_analytics_" + ProcessHandle.current().pid() + ".";
        String sinkUrl = server.createDatabase("verify_analytics_sink");
        Migrations.migrate(Database.SINK, JdbcSettings.of(JdbcSettings.SINK, sinkUrl, server.user(), ""));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(prefix + "outbox.event.order", Optional.of(1), Optional.empty()),
                    new NewTopic(prefix + "analytics.late", Optional.of(1), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
        }
        String customer = UUID.randomUUID().toString();
        long minute = Instant.parse("2026-01-01T10:00:00Z").toEpochMilli();
        placed(prefix + "outbox.event.order", customer, minute + 5_000);
        Map<String, String> env = Map.of("SINK_DB_URL", sinkUrl, "SINK_DB_USER", server.user(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "PROJECTOR_TOPIC_PREFIX", prefix);

        CommandRun missing = CommandRun.of(env, "verify-analytics");
        assertThat(missing.exitCode()).as(missing.err()).isEqualTo(1);
        assertThat(missing.out()).contains("revenue " + customer + " 2026-01-01T10:00:00Z: 1 orders placed, no final window");

        execute(sinkUrl, "INSERT INTO revenue_per_customer_minute VALUES ('" + customer + "', '2026-01-01T10:00Z',"
                + " '2026-01-01T10:01Z', 1, 21.00, true, now())");
        for (int m = -4; m <= 0; m++) {
            execute(sinkUrl, "INSERT INTO orders_moving_5m VALUES (timestamptz '2026-01-01T10:00Z' + interval '" + m + " minutes',"
                    + " timestamptz '2026-01-01T10:05Z' + interval '" + m + " minutes', 1, true, now())");
        }
        CommandRun equal = CommandRun.of(env, "verify-analytics");
        assertThat(equal.exitCode()).as(equal.out() + equal.err()).isZero();
        assertThat(equal.out()).contains("final windows equal: 6").contains("EQUAL");

        execute(sinkUrl, "UPDATE revenue_per_customer_minute SET revenue = 20.00");
        CommandRun different = CommandRun.of(env, "verify-analytics");
        assertThat(different.exitCode()).isEqualTo(1);
        assertThat(different.out()).contains("sink has 1 orders, revenue 20.00, the topic says 1 orders, revenue 21.00");
    }

    private void placed(String topic, String customer, long ts) {
        String order = UUID.randomUUID().toString();
        String payload = "{\"id\":\"" + order + "\",\"customerId\":\"" + customer + "\",\"status\":\"NEW\",\"total\":21.00,"
                + "\"version\":1,\"lines\":[{\"lineNo\":1,\"sku\":\"BOOK-42\",\"quantity\":2,\"unitPrice\":10.50}]}";
        RecordHeaders h = new RecordHeaders();
        h.add("id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        h.add("type", "OrderPlaced".getBytes(StandardCharsets.UTF_8));
        h.add("source-ts-ms", String.valueOf(ts).getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, null, null, order, payload.getBytes(StandardCharsets.UTF_8), h));
        }
    }

    private void execute(String url, String sql) throws Exception {
        try (Connection c = Connections.open(JdbcSettings.of(JdbcSettings.SINK, url, server.user(), ""));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
