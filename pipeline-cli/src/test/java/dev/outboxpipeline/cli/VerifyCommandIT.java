package dev.outboxpipeline.cli;

import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyCommandIT {

    private final PostgresServer server = SharedServers.postgres();

    @Test
    void exitsZeroWhenEqualAndOneNamingTheDifferenceOtherwise() throws Exception {
        TestDatabase source = TestDatabase.source("verify_cli_source");
        TestDatabase sink = TestDatabase.sink("verify_cli_sink");
        UUID id = UUID.randomUUID();
        source.execute("INSERT INTO customer VALUES ('" + id + "', 'Ada', 'ada@example.com', 1)");
        sink.execute("INSERT INTO customer VALUES ('" + id + "', 'Ada', 'ada@example.com', 1, now())");
        Map<String, String> env = Map.of("SOURCE_DB_URL", source.url(), "SOURCE_DB_USER", server.user(),
                "SINK_DB_URL", sink.url(), "SINK_DB_USER", server.user());

        CommandRun equal = CommandRun.of(env, "verify", "--wait", "0");
        assertThat(equal.exitCode()).as(equal.err()).isZero();
        assertThat(equal.out()).contains("EQUAL: the sink matches the source (3 tables, 1 rows)");

        sink.execute("UPDATE customer SET email = 'ada@old.example.com'");
        CommandRun different = CommandRun.of(env, "verify", "--wait", "1s");
        assertThat(different.exitCode()).isEqualTo(1);
        assertThat(different.out()).contains("DIFFERENT: 1 difference(s)").contains(id.toString())
                .contains("email expected ada@example.com, found ada@old.example.com");
    }

    // A dead-lettered change leaves its row missing or older in the sink: verify shows it and counts the dead letters.
    @Test
    void aDeadLetteredRowIsADifferenceAndTheDeadLettersAreCounted() throws Exception {
        TestDatabase source = TestDatabase.source("verify_dlq_source");
        TestDatabase sink = TestDatabase.sink("verify_dlq_sink");
        UUID id = UUID.randomUUID();
        source.execute("INSERT INTO customer VALUES ('" + id + "', 'Ada', 'ada@example.com', 1)");
        String prefix = "verify_dlq_" + ProcessHandle.current().pid() + ".";
        KafkaBroker kafka = SharedServers.kafka();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(prefix + "projector.dlq", Optional.of(1), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(prefix + "projector.dlq", id.toString(), "{}")).get();
            producer.send(new ProducerRecord<>(prefix + "projector.dlq", id.toString(), "{}")).get();
        }
        Map<String, String> env = Map.of("SOURCE_DB_URL", source.url(), "SOURCE_DB_USER", server.user(),
                "SINK_DB_URL", sink.url(), "SINK_DB_USER", server.user(), "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "PROJECTOR_TOPIC_PREFIX", prefix);

        CommandRun run = CommandRun.of(env, "verify", "--wait", "0");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains(id.toString()).contains("Dead letters in " + prefix + "projector.dlq: 2");
    }

    @Test
    void unreachableSinkExitsTwo() {
        CommandRun run = CommandRun.of(Map.of("SOURCE_DB_URL", server.jdbcUrl(), "SOURCE_DB_USER", server.user()),
                "verify", "--sink", "jdbc:postgresql://127.0.0.1:1/readmodel");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("SINK_DB_URL");
    }
}
