package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Start order must not matter: the projector answers at once and waits for what it needs. */
class ProjectorStartIT {

    private static final Duration WITHIN_SECONDS = Duration.ofSeconds(15);
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final KafkaBroker kafka = SharedServers.kafka();
    private final HttpClient http = HttpClient.newHttpClient();

    // Regression: the projector had no HTTP server until the relay had created the event topics.
    @Test
    void startedBeforeTheRelayItAnswersAtOnceCreatesTheEventTopicsCompactedAndConverges() throws Exception {
        TestPipeline p = TestPipeline.withoutEventTopics("first", SharedServers.postgres(), kafka);
        ShopModel shop = new ShopModel(p.topics(), 3, 10);
        try (Projector projector = Projector.start(p.settings(), ServiceHttp.newRegistry())) {
            await().atMost(WITHIN_SECONDS).untilAsserted(() ->
                    assertThat(get(projector.port(), "/health/live").statusCode()).isEqualTo(200));
            await().atMost(PATIENCE).untilAsserted(() ->
                    assertThat(get(projector.port(), "/health").statusCode()).isEqualTo(200));

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                for (String topic : p.topics().events()) {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                            .get(topic);
                    assertThat(d.partitions()).hasSize(TestPipeline.PARTITIONS);
                    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                    Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
                    assertThat(c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
                }
                ConfigResource rows = new ConfigResource(ConfigResource.Type.TOPIC, p.topics().orderViewRows());
                Config c = admin.describeConfigs(List.of(rows)).all().get(30, TimeUnit.SECONDS).get(rows);
                assertThat(c.get(TopicConfig.DELETE_RETENTION_MS_CONFIG).value())
                        .isEqualTo(String.valueOf(ReadModelTopicSettings.DEFAULT_DELETE_RETENTION.toMillis()));
                assertThat(c.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).value())
                        .isEqualTo(String.valueOf(ReadModelTopicSettings.DEFAULT_MIN_COMPACTION_LAG.toMillis()));
            }

            try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) { // as the relay would
                List<ProducerRecord<String, byte[]>> events = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    events.addAll(shop.next());
                }
                producer.send(events);
            }
            ProjectorIT.awaitSinkEquals(p, shop);
        }
    }

    @Test
    void anUnreachableSinkIsWaitedForWithTheReasonInHealthWhileLivenessAnswers() throws Exception {
        TestPipeline p = TestPipeline.create("nosink", SharedServers.postgres(), kafka);
        JdbcSettings nowhere = JdbcSettings.of(JdbcSettings.SINK, "jdbc:postgresql://127.0.0.1:1/sink", "u", "secret-pw");
        ProjectorSettings s = p.settings().withSink(nowhere);
        try (Projector projector = Projector.start(s, ServiceHttp.newRegistry())) {
            await().atMost(WITHIN_SECONDS).untilAsserted(() -> {
                HttpResponse<String> health = get(projector.port(), "/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("waiting for the sink database").doesNotContain("secret-pw");
            });
            assertThat(get(projector.port(), "/health/live").statusCode()).isEqualTo(200);
            assertThat(projector.failure()).isNotDone();
        }
    }

    // Regression (chaos): a sink database closed to connections (ALLOW_CONNECTIONS false) made the projector exit,
    // at start ("migrating the sink database ... failed") and while running ("check SINK_DB_URL").
    @Test
    void aSinkClosedToConnectionsIsWaitedForAtStartAndWhileRunning() throws Exception {
        TestPipeline p = TestPipeline.create("closedsink", SharedServers.postgres(), kafka);
        ShopModel shop = new ShopModel(p.topics(), 3, 10);
        String database = p.name().toLowerCase();
        allowConnections(database, false);
        try (Projector projector = Projector.start(p.settings(), ServiceHttp.newRegistry());
             EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
            await().atMost(WITHIN_SECONDS).untilAsserted(() ->
                    assertThat(get(projector.port(), "/health").body()).contains("waiting for the sink database"));
            assertThat(projector.failure()).isNotDone();
            allowConnections(database, true);
            produce(producer, shop, 10);
            ProjectorIT.awaitSinkEquals(p, shop);

            allowConnections(database, false); // the outage, as an operator makes one
            produce(producer, shop, 10);
            await().atMost(PATIENCE).untilAsserted(() ->
                    assertThat(get(projector.port(), "/health").body()).contains("not accepting connections now"));
            assertThat(projector.failure()).isNotDone();
            allowConnections(database, true);
            ProjectorIT.awaitSinkEquals(p, shop);
            assertThat(projector.failure()).isNotDone();
        } finally {
            allowConnections(database, true);
        }
    }

    private static void produce(EventProducer producer, ShopModel shop, int steps) {
        List<ProducerRecord<String, byte[]>> events = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            events.addAll(shop.next());
        }
        producer.send(events);
    }

    /** Closes or opens the database to connections; closing also ends the sessions it has. */
    private static void allowConnections(String database, boolean allow) throws Exception {
        var server = SharedServers.postgres();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
             Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS " + allow);
            if (!allow) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            }
        }
    }

    @Test
    void anUnreachableKafkaIsWaitedForWithTheReasonInHealthWhileLivenessAnswers() throws Exception {
        TestPipeline p = TestPipeline.create("nokafka", SharedServers.postgres(), kafka);
        ProjectorSettings s = p.settings().withKafka(KafkaSettings.of("127.0.0.1:1"));
        try (Projector projector = Projector.start(s, ServiceHttp.newRegistry())) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> health = get(projector.port(), "/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("waiting for Kafka");
            });
            assertThat(get(projector.port(), "/health/live").statusCode()).isEqualTo(200);
            assertThat(projector.failure()).isNotDone();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
