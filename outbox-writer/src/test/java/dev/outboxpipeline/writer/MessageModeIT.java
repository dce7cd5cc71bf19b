package dev.outboxpipeline.writer;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.fixtures.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** WRITER_OUTBOX_MODE=message: the shop's events become logical decoding messages, and no outbox row is written. */
class MessageModeIT {

    @Test
    void theShopsEventsAreMessagesInTheTransactionOfTheChange() throws Exception {
        TestDatabase db = TestDatabase.source("writer_messages");
        String slot = "writer_messages_" + ProcessHandle.current().pid();
        db.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        try (Writer writer = Writer.start(WriterSettings.fromEnv(Env.of(Map.of(
                "SOURCE_DB_URL", db.settings().url(), "SOURCE_DB_USER", db.settings().user(),
                "WRITER_HTTP_PORT", "0", "WRITER_OUTBOX_MODE", "message"))))) {
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + writer.port() + "/customers"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"Ada\", \"email\": \"ada@example.com\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);

            List<String> changes = db.rows("SELECT data FROM pg_logical_slot_peek_changes('" + slot + "', NULL, NULL)")
                    .stream().map(r -> (String) r.get("data")).toList();

            assertThat(db.count("outbox")).isZero();
            assertThat(changes).noneMatch(c -> c.startsWith("table public.outbox"));
            assertThat(changes).anySatisfy(c -> assertThat(c).startsWith("message: transactional: 1 prefix: outbox,")
                    .contains("\"type\":\"CustomerCreated\"").contains("\"aggregateType\":\"customer\"")
                    .contains("\"aggregateVersion\":1").contains("\"name\":\"Ada\""));
        } finally {
            db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }
}
