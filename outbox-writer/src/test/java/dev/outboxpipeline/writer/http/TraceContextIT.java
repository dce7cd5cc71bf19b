package dev.outboxpipeline.writer.http;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.ops.Tracing;
import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.writer.Writer;
import dev.outboxpipeline.writer.WriterSettings;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
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

/** The writer stores the W3C trace context of each request with its events (column tracingspancontext, message fields). */
class TraceContextIT {

    /** A valid traceparent: version, trace id, span id, flags (the SDK also sets W3C's "random" flag, 0x02). */
    private static final String TRACEPARENT = "00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f][13579bdf]";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk sdk;
    private static TestDatabase db;
    private static Writer writer;

    @BeforeAll
    static void start() {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .build();
        db = TestDatabase.source("writer_trace");
        writer = Writer.start(settings(db, Map.of("WRITER_OUTBOX_REMOVE_AFTER_INSERT", "false")), Tracing.of(sdk));
    }

    @AfterAll
    static void stop() {
        writer.close();
        sdk.close();
    }

    @Test
    void anEventCarriesTheTraceOfTheRequestThatWroteIt() throws Exception {
        String traceId = newTraceId();
        String id = createCustomer(writer, Map.of("traceparent", "00-" + traceId + "-" + CALLER_SPAN + "-01",
                "tracestate", "shop=checkout"));

        Properties stored = storedContext(id);
        SpanData request = serverSpan(traceId);

        assertThat(request.getParentSpanId()).as("a child of the caller's span").isEqualTo(CALLER_SPAN);
        assertThat(request.getName()).isEqualTo("POST /customers");
        assertThat(stored.getProperty("traceparent")).as("the writer's request span")
                .startsWith("00-" + traceId + "-" + request.getSpanId() + "-");
        assertThat(stored.getProperty("tracestate")).isEqualTo("shop=checkout");
    }

    @Test
    void aRequestWithoutTraceContextStartsANewTrace() throws Exception {
        String first = createCustomer(writer, Map.of());
        String second = createCustomer(writer, Map.of());

        String one = storedContext(first).getProperty("traceparent");
        String other = storedContext(second).getProperty("traceparent");
        assertThat(one).matches(TRACEPARENT);
        assertThat(serverSpan(one.substring(3, 35)).getParentSpanContext().isValid()).as("a root span").isFalse();
        assertThat(one.substring(3, 35)).isNotEqualTo(other.substring(3, 35));
        assertThat(storedContext(first).getProperty("tracestate")).isNull();
    }

    @Test
    void aMalformedTraceparentStartsANewTraceInsteadOfFailingTheRequest() throws Exception {
        String id = createCustomer(writer, Map.of("traceparent", "00-not-a-trace-01"));

        assertThat(storedContext(id).getProperty("traceparent")).matches(TRACEPARENT);
    }

    @Test
    void withNoExporterConfiguredTheWriterStillStartsAndStoresTraces() throws Exception {
        String traceId = newTraceId();
        try (Writer plain = Writer.start(settings(db, Map.of("WRITER_OUTBOX_REMOVE_AFTER_INSERT", "false")))) {
            String id = createCustomer(plain, Map.of("traceparent", "00-" + traceId + "-" + CALLER_SPAN + "-01"));

            assertThat(storedContext(id).getProperty("traceparent")).startsWith("00-" + traceId + "-").matches(TRACEPARENT);
        }
    }

    @Test
    void inMessageModeTheMessageCarriesTheTraceContext() throws Exception {
        String traceId = newTraceId();
        String slot = "writer_trace_messages_" + ProcessHandle.current().pid();
        db.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        try (Writer messages = Writer.start(settings(db, Map.of("WRITER_OUTBOX_MODE", "message")), Tracing.of(sdk))) {
            String id = createCustomer(messages, Map.of("traceparent", "00-" + traceId + "-" + CALLER_SPAN + "-01"));

            String message = db.rows("SELECT data FROM pg_logical_slot_peek_changes('" + slot + "', NULL, NULL)")
                    .stream().map(r -> (String) r.get("data")).filter(d -> d.startsWith("message:") && d.contains(id)).findFirst().orElseThrow();
            assertThat(message).contains("\"traceparent\":\"00-" + traceId + "-");
        } finally {
            db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    /** Each test its own trace, so that spans of another test never match. */
    private static String newTraceId() {
        return java.util.UUID.randomUUID().toString().replace("-", "");
    }

    private static WriterSettings settings(TestDatabase db, Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("SOURCE_DB_URL", db.settings().url(),
                "SOURCE_DB_USER", db.settings().user(), "WRITER_HTTP_PORT", "0"));
        env.putAll(more);
        return WriterSettings.fromEnv(Env.of(env));
    }

    private static String createCustomer(Writer writer, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + writer.port() + "/customers"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"Ada\", \"email\": \"ada@example.com\"}"));
        headers.forEach(request::header);
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        return response.body().replaceFirst(".*\"id\":\"([^\"]+)\".*", "$1");
    }

    /** The request's server span; it ends after the response is sent, so it may take a moment to be exported. */
    private static SpanData serverSpan(String traceId) {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> SPANS.getFinishedSpanItems().stream()
                        .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
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
