package dev.outboxpipeline.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The writer in any start order: it answers at once, waits for its database with 503, and exits only on bad configuration. */
class WriterStartOrderIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String CUSTOMER = "{\"name\": \"Ada\", \"email\": \"ada@example.com\"}";

    @Test
    void shouldAnswerAtOnceAndServeOnceTheSourceDatabaseComesUp() throws Exception {
        TestDatabase db = TestDatabase.source("writer_wait");
        try (TcpGate gate = gateTo(db); Writer writer = startWithin(Duration.ofSeconds(20), through(gate, db))) {
            Response health = call(writer, "GET", "/health", null);
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("reason").asText()).contains("unreachable").contains("retrying");
            Response refused = call(writer, "POST", "/customers", CUSTOMER);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("error").asText()).contains("unreachable");

            gate.open();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> call(writer, "GET", "/health", null).status() == 200);
            assertThat(call(writer, "POST", "/customers", CUSTOMER).status()).isEqualTo(201);
            assertThat(writer.failure()).isNotDone();
        }
        assertThat(db.count("customer")).isEqualTo(1);
    }

    @Test
    void shouldAnswer503NotAnInternalErrorWhileTheDatabaseIsGone() throws Exception {
        TestDatabase db = TestDatabase.source("writer_gone");
        try (TcpGate gate = gateTo(db)) {
            gate.open();
            try (Writer writer = Writer.start(through(gate, db))) {
                gate.close();

                Response refused = call(writer, "POST", "/customers", CUSTOMER);
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.json().get("error").asText()).contains("source database");
                assertThat(call(writer, "GET", "/health", null).status()).isEqualTo(503);

                gate.open();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> call(writer, "POST", "/customers", CUSTOMER).status() == 201);
            }
        }
    }

    @Test
    void shouldFailWithTheMigrateCommandWhenTheDatabaseThatComesUpIsNotMigrated() throws Exception {
        TestDatabase db = TestDatabase.empty("writer_unmigrated_later");
        try (TcpGate gate = gateTo(db); Writer writer = startWithin(Duration.ofSeconds(20), through(gate, db))) {
            assertThat(call(writer, "GET", "/health", null).status()).isEqualTo(503);

            gate.open();

            assertThatThrownBy(() -> writer.failure().get(90, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ConfigException.class)
                    .hasMessageContaining("./pipeline migrate --target source");
            Response health = call(writer, "GET", "/health", null);
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("reason").asText()).contains("./pipeline migrate --target source");
        }
    }

    @Test
    void shouldRefuseAtOnceAnUnmigratedDatabaseThatAnswers() {
        TestDatabase db = TestDatabase.empty("writer_unmigrated");

        assertThatThrownBy(() -> Writer.start(settings(db.settings().url(), db.settings())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("./pipeline migrate --target source");
    }

    @Test
    void shouldRefuseAtOnceADatabaseThatDoesNotExist() {
        TestDatabase db = TestDatabase.source("writer_no_such_db");
        String url = db.settings().url().replaceFirst("/[^/]+$", "/no_such_database");

        assertThatThrownBy(() -> Writer.start(settings(url, db.settings())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("the database does not exist");
    }

    private static Writer startWithin(Duration bound, WriterSettings settings) {
        Instant started = Instant.now();
        Writer writer = Writer.start(settings);
        assertThat(Duration.between(started, Instant.now())).isLessThan(bound);
        return writer;
    }

    private static TcpGate gateTo(TestDatabase db) {
        return new TcpGate(SharedServers.postgres().host(), SharedServers.postgres().port());
    }

    private static WriterSettings through(TcpGate gate, TestDatabase db) {
        String url = db.settings().url().replaceFirst("//[^/]+/", "//127.0.0.1:" + gate.port() + "/");
        return settings(url, db.settings());
    }

    private static WriterSettings settings(String url, JdbcSettings s) {
        return WriterSettings.fromEnv(Env.of(Map.of("SOURCE_DB_URL", url, "SOURCE_DB_USER", s.user(),
                "SOURCE_DB_PASSWORD", s.password() == null ? "" : s.password(), "WRITER_HTTP_PORT", "0")));
    }

    private record Response(int status, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private static Response call(Writer writer, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + writer.port() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }
}
