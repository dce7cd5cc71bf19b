package dev.outboxpipeline.writer.http;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.writer.SourceDatabase;
import dev.outboxpipeline.writer.Writer;
import dev.outboxpipeline.writer.WriterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer stores the W3C trace context of each request with its events (column tracingspancontext). */
class TraceContextIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static SourceDatabase db;
    private static Writer writer;

    @BeforeAll
    static void start() {
        db = SourceDatabase.migrated("writer_trace");
        writer = Writer.start(WriterSettings.fromEnv(Env.of(Map.of(
                "SOURCE_DB_URL", db.settings().url(), "SOURCE_DB_USER", db.settings().user(),
                "WRITER_HTTP_PORT", "0", "WRITER_OUTBOX_REMOVE_AFTER_INSERT", "false"))));
    }

    @AfterAll
    static void stop() {
        writer.close();
    }

    @Test
    void anEventCarriesTheTraceOfTheRequestThatWroteIt() throws Exception {
        String id = createCustomer(Map.of("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01",
                "tracestate", "shop=checkout"));

        Properties stored = storedContext(id);

        assertThat(stored.getProperty("traceparent")).startsWith("00-" + TRACE_ID + "-").endsWith("-01")
                .as("the writer's own span, a child of the caller's").doesNotContain(CALLER_SPAN);
        assertThat(stored.getProperty("tracestate")).isEqualTo("shop=checkout");
    }

    @Test
    void aRequestWithoutTraceContextStartsANewTrace() throws Exception {
        String first = createCustomer(Map.of());
        String second = createCustomer(Map.of());

        String one = storedContext(first).getProperty("traceparent");
        String other = storedContext(second).getProperty("traceparent");
        assertThat(one).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(other).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(one.substring(3, 35)).isNotEqualTo(other.substring(3, 35));
        assertThat(storedContext(first).getProperty("tracestate")).isNull();
    }

    @Test
    void aMalformedTraceparentStartsANewTraceInsteadOfFailingTheRequest() throws Exception {
        String id = createCustomer(Map.of("traceparent", "00-not-a-trace-01"));

        assertThat(storedContext(id).getProperty("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    private static String createCustomer(Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + writer.port() + "/customers"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"Ada\", \"email\": \"ada@example.com\"}"));
        headers.forEach(request::header);
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        return response.body().replaceFirst(".*\"id\":\"([^\"]+)\".*", "$1");
    }

    /** Debezium's outbox format: java.util.Properties text. */
    private static Properties storedContext(String aggregateId) throws Exception {
        Object column = db.rows("SELECT tracingspancontext FROM outbox WHERE aggregateid = '" + aggregateId + "'")
                .get(0).get("tracingspancontext");
        assertThat(column).as("the event's trace context").isNotNull();
        Properties p = new Properties();
        p.load(new StringReader((String) column));
        return p;
    }
}
