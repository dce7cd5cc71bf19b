package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.relay.Relay;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.verify.Store;
import dev.outboxpipeline.verify.StoreVerifier;
import dev.outboxpipeline.verify.VerifyReport;
import dev.outboxpipeline.writer.load.LoadGenerator;
import dev.outboxpipeline.writer.load.LoadSpec;
import dev.outboxpipeline.outbox.OutboxOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The services against the real servers, started in each order a user might: the sink converges every time. */
class StartOrderIT {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final AtomicInteger COUNT = new AtomicInteger();

    enum Order { PROJECTOR_THEN_RELAY, RELAY_THEN_PROJECTOR }

    private final PostgresServer postgres = SharedServers.postgres();
    private final HttpClient http = HttpClient.newHttpClient();

    // Regression: the projector had no HTTP server until the relay had created the event topics, which it
    // does with their first event; started first, it never answered /health.
    @ParameterizedTest
    @EnumSource(Order.class)
    void theSinkConvergesWhateverTheStartOrder(Order order) throws Exception {
        String name = "startorder_" + COUNT.incrementAndGet() + "_" + ProcessHandle.current().pid();
        try (KafkaBroker kafka = KafkaBroker.start()) { // the relay's topic names are fixed: a broker of its own
            Map<String, String> env = new HashMap<>();
            env.put("SOURCE_DB_URL", postgres.createDatabase(name + "_source"));
            env.put("SOURCE_DB_USER", postgres.user());
            env.put("SOURCE_DB_PASSWORD", postgres.password());
            env.put("SINK_DB_URL", postgres.createDatabase(name + "_sink"));
            env.put("SINK_DB_USER", postgres.user());
            env.put("SINK_DB_PASSWORD", postgres.password());
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("RELAY_SLOT_NAME", name);
            env.put("RELAY_HTTP_PORT", "0");
            env.put("PROJECTOR_HTTP_PORT", "0");
            env.put("PROJECTOR_APPLICATION_ID", name);
            env.put("PROJECTOR_STATE_DIR", Files.createTempDirectory("projector-state-").toString());
            Env config = Env.of(env);
            JdbcSettings source = JdbcSettings.fromEnv(config, JdbcSettings.SOURCE);
            JdbcSettings sink = JdbcSettings.fromEnv(config, JdbcSettings.SINK);
            Migrations.migrate(Database.SOURCE, source);

            Projector projector = null;
            Relay relay = null;
            try {
                if (order == Order.PROJECTOR_THEN_RELAY) {
                    projector = startProjector(config);
                    relay = startRelay(config);
                } else {
                    relay = startRelay(config);
                    projector = startProjector(config);
                }
                LoadGenerator.run(source, OutboxOptions.removingRows(), LoadSpec.of(300, 2).withKeys(20), rows -> { });

                Projector running = projector;
                await().atMost(PATIENCE).untilAsserted(() ->
                        assertThat(get(running.port(), "/health").statusCode()).isEqualTo(200));
                VerifyReport report = new StoreVerifier(Store.source(source), Store.sink(sink)).verify(PATIENCE, l -> { });
                assertThat(report.equal()).as("%s", report).isTrue();
                assertThat(report.rowCount()).isPositive();
            } finally {
                if (projector != null) {
                    projector.close();
                }
                if (relay != null) {
                    relay.close();
                }
            }
        }
    }

    private Projector startProjector(Env config) throws Exception {
        Projector projector = Projector.start(ProjectorSettings.fromEnv(config), ServiceHttp.newRegistry());
        // it answers at once, ready or not
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(get(projector.port(), "/health/live").statusCode()).isEqualTo(200));
        return projector;
    }

    private static Relay startRelay(Env config) {
        Relay relay = Relay.start(RelaySettings.fromEnv(config), ServiceHttp.newRegistry());
        // only events committed once the slot exists are in it: the writes wait for the relay to stream
        await().atMost(PATIENCE).until(() -> relay.state() == Relay.State.STREAMING);
        return relay;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
