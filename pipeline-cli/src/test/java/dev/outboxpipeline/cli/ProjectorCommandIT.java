package dev.outboxpipeline.cli;

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

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProjectorCommandIT {

    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void withoutASinkDatabaseItExitsTwoNamingTheSetting() {
        CommandRun run = CommandRun.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"), "projector");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("SINK_DB_URL is not set");
    }

    // The event topics must be compacted, or the read model could never be rebuilt from them: a refusal,
    // with the command that fixes it, not a projector that runs on a topic losing states.
    @Test
    void anEventTopicThatIsNotCompactedExitsTwoWithTheFix() throws Exception {
        PostgresServer postgres = SharedServers.postgres();
        KafkaBroker kafka = SharedServers.kafka();
        String prefix = "clidelete" + ProcessHandle.current().pid() + ".";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(prefix + "outbox.event.customer", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }

        CommandRun run = CommandRun.of(Map.of(
                "SINK_DB_URL", postgres.createDatabase("cli_projector_delete_" + ProcessHandle.current().pid()),
                "SINK_DB_USER", postgres.user(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "PROJECTOR_TOPIC_PREFIX", prefix,
                "PROJECTOR_HTTP_PORT", "0",
                "PROJECTOR_STATE_DIR", Files.createTempDirectory("cli-projector-").toString()), "projector");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(prefix + "outbox.event.customer").contains("not compact")
                .contains("--add-config cleanup.policy=compact");
    }

    @Test
    void launcherRunsTheProjectorServingTheReadModelUntilStopped() throws Exception {
        PostgresServer postgres = SharedServers.postgres();
        KafkaBroker kafka = SharedServers.kafka();
        String prefix = "cli" + ProcessHandle.current().pid() + ".";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(prefix + "outbox.event.customer", 1, (short) 1).configs(COMPACTED),
                    new NewTopic(prefix + "outbox.event.order", 1, (short) 1).configs(COMPACTED)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        String id = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(prefix + "outbox.event.customer", id,
                    "{\"id\":\"" + id + "\",\"name\":\"Ada\",\"email\":\"ada@example.com\",\"version\":1}")).get();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("pipeline").toString(), "projector");
        pb.environment().putAll(Map.of(
                "SINK_DB_URL", postgres.createDatabase("cli_projector_" + ProcessHandle.current().pid()),
                "SINK_DB_USER", postgres.user(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "PROJECTOR_TOPIC_PREFIX", prefix,
                "PROJECTOR_APPLICATION_ID", "cli-projector-" + ProcessHandle.current().pid(),
                "PROJECTOR_HTTP_PORT", String.valueOf(port),
                "PROJECTOR_STATE_DIR", Files.createTempDirectory("cli-projector-").toString(),
                "PIPELINE_NO_BUILD", "1")); // Maven is running this test: use what it just packaged
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process projector = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/customers/" + id)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("\"name\":\"Ada\"");
            });
        } finally {
            projector.destroy(); // SIGTERM: a graceful stop
            if (!projector.waitFor(60, TimeUnit.SECONDS)) {
                projector.destroyForcibly();
            }
        }
        assertThat(projector.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
    }
}
