package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.ops.Tracing;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.relay.Relay;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.writer.Writer;
import dev.outboxpipeline.writer.WriterSettings;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * W3C trace context end to end: an HTTP request's trace id reaches the event record's {@code traceparent} header
 * through the outbox and the relay, and the projector's apply span links to it, also for the order view, whose
 * changes come out of the foreign-key join without the events' headers.
 */
class TraceContextEndToEndIT {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final String CUSTOMER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String ORDER_TRACE = "5c0a3e4d6f7b8a9c0d1e2f3a4b5c6d7e";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    private final PostgresServer postgres = SharedServers.postgres();
    private final HttpClient http = HttpClient.newHttpClient();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @Test
    void oneRequestsTraceReachesTheKafkaHeaderAndTheProjectorsApplySpan() throws Exception {
        String name = "tracing_" + ProcessHandle.current().pid();
        try (KafkaBroker kafka = KafkaBroker.start(); // the relay's topic names are fixed: a broker of its own
             OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                     .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build()) {
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
            env.put("WRITER_HTTP_PORT", "0");
            env.put("PROJECTOR_HTTP_PORT", "0");
            env.put("PROJECTOR_APPLICATION_ID", name);
            env.put("PROJECTOR_STATE_DIR", Files.createTempDirectory("projector-state-").toString());
            Env config = Env.of(env);
            Migrations.migrate(Database.SOURCE, JdbcSettings.fromEnv(config, JdbcSettings.SOURCE));
            Tracing tracing = Tracing.of(sdk);

            try (Relay relay = Relay.start(RelaySettings.fromEnv(config), ServiceHttp.newRegistry());
                 Projector projector = Projector.start(ProjectorSettings.fromEnv(config), ServiceHttp.newRegistry(), tracing);
                 Writer writer = Writer.start(WriterSettings.fromEnv(config), tracing)) {
                await().atMost(PATIENCE).until(() -> relay.state() == Relay.State.STREAMING);

                String customer = post(writer, "/customers", CUSTOMER_TRACE, "{\"name\": \"Ada\", \"email\": \"ada@example.com\"}");
                String order = post(writer, "/orders", ORDER_TRACE, "{\"customerId\": \"" + customer
                        + "\", \"lines\": [{\"sku\": \"BOOK-42\", \"quantity\": 1, \"unitPrice\": 10.50}]}");

                ConsumerRecord<String, byte[]> event = firstRecord(kafka, "outbox.event.customer", customer);
                assertThat(header(event, "traceparent")).startsWith("00-" + CUSTOMER_TRACE + "-")
                        .doesNotContain(CALLER_SPAN); // the writer's request span, a child of the caller's
                ConsumerRecord<String, byte[]> view = firstRecord(kafka, "readmodel.order_view", order);
                assertThat(header(view, "traceparent")).as("the join's output names the order's write")
                        .startsWith("00-" + ORDER_TRACE + "-");

                await().atMost(PATIENCE).untilAsserted(() -> assertThat(linkedTraces())
                        .contains(CUSTOMER_TRACE, ORDER_TRACE));
                SpanData writerSpan = spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(CUSTOMER_TRACE))
                        .findFirst().orElseThrow();
                assertThat(applySpans()).flatExtracting(SpanData::getLinks).extracting(l -> l.getSpanContext().getSpanId())
                        .as("linked to the writer's span itself").contains(writerSpan.getSpanId());
            }
        }
    }

    private List<SpanData> applySpans() {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("projector apply")).toList();
    }

    private List<String> linkedTraces() {
        List<String> traces = new ArrayList<>();
        for (SpanData apply : applySpans()) {
            for (LinkData link : apply.getLinks()) {
                traces.add(link.getSpanContext().getTraceId());
            }
        }
        return traces;
    }

    private String post(Writer writer, String path, String traceId, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + writer.port() + path))
                .header("traceparent", "00-" + traceId + "-" + CALLER_SPAN + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body().replaceFirst(".*?\"id\":\"([^\"]+)\".*", "$1");
    }

    private static ConsumerRecord<String, byte[]> firstRecord(KafkaBroker kafka, String topic, String key) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "trace-check-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertThat(h).as("header %s of %s", name, r.topic()).isNotNull();
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
