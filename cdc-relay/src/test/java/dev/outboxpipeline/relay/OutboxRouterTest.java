package dev.outboxpipeline.relay;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxRouterTest {

    private static final Schema AFTER = SchemaBuilder.struct()
            .field("id", Schema.STRING_SCHEMA)
            .field("aggregatetype", Schema.STRING_SCHEMA)
            .field("aggregateid", Schema.OPTIONAL_STRING_SCHEMA)
            .field("type", Schema.STRING_SCHEMA)
            .field("payload", Schema.OPTIONAL_STRING_SCHEMA)
            .field("aggregate_version", Schema.INT64_SCHEMA)
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("lsn", Schema.INT64_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();

    private final OutboxRouter router = new OutboxRouter(1_048_576);

    private static Struct row(String type, String id, String payload) {
        return new Struct(AFTER).put("id", "e1").put("aggregatetype", type).put("aggregateid", id)
                .put("type", "CustomerUpdated").put("payload", payload).put("aggregate_version", 3L);
    }

    private static Struct source() {
        return new Struct(SOURCE).put("lsn", 123456L).put("ts_ms", 1700000000000L);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void routesAnInsertToItsAggregateTopicWithThePayloadBytesAsDecoded() {
        String payload = "{\"id\": \"c1\", \"total\": 31.50}";
        ProducerRecord<byte[], byte[]> r = router.route(row("customer", "c1", payload), source()).event();

        assertThat(r.topic()).isEqualTo("outbox.event.customer");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("c1");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(payload);
        assertThat(header(r, "id")).isEqualTo("e1");
        assertThat(header(r, "type")).isEqualTo("CustomerUpdated");
        assertThat(header(r, "aggregate-version")).isEqualTo("3");
        assertThat(header(r, "source-lsn")).isEqualTo("123456");
        assertThat(header(r, "source-ts-ms")).isEqualTo("1700000000000");
    }

    @Test
    void theStoredTraceContextBecomesTheW3cHeadersAlsoOnDeadLetters() {
        Schema traced = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA)
                .field("aggregatetype", Schema.STRING_SCHEMA).field("aggregateid", Schema.OPTIONAL_STRING_SCHEMA)
                .field("type", Schema.STRING_SCHEMA).field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("aggregate_version", Schema.INT64_SCHEMA).field("tracingspancontext", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Struct row = new Struct(traced).put("id", "e1").put("aggregatetype", "customer").put("aggregateid", "c1")
                .put("type", "CustomerUpdated").put("payload", "{}").put("aggregate_version", 3L)
                .put("tracingspancontext", "traceparent=" + parent + "\ntracestate=shop=checkout\n");

        ProducerRecord<byte[], byte[]> event = router.route(row, source()).event();
        ProducerRecord<byte[], byte[]> letter = router.route(row.put("aggregateid", null), source()).deadLetter();
        ProducerRecord<byte[], byte[]> untraced = router.route(row.put("aggregateid", "c1").put("tracingspancontext", null),
                source()).event();

        assertThat(header(event, "traceparent")).isEqualTo(parent);
        assertThat(header(event, "tracestate")).isEqualTo("shop=checkout");
        assertThat(header(letter, "traceparent")).isEqualTo(parent);
        assertThat(untraced.headers().lastHeader("traceparent")).isNull();
        assertThat(router.route(row("customer", "c1", "{}"), source()).event().headers().lastHeader("traceparent"))
                .as("a table without the column (made before V4)").isNull();
    }

    @Test
    void aNullPayloadBecomesATombstone() {
        assertThat(router.route(row("customer", "c1", null), source()).event().value()).isNull();
    }

    @Test
    void aNullAggregateIdIsADeadLetter() {
        OutboxRouter.Routed routed = router.route(row("customer", null, "{}"), source());
        assertThat(routed.event()).isNull();
        assertThat(routed.deadLetter().topic()).isEqualTo("outbox.dlq");
        assertThat(header(routed.deadLetter(), "dlq-reason")).contains("aggregateid is null");
    }

    @Test
    void anAggregateTypeThatMakesNoTopicNameIsADeadLetter() {
        OutboxRouter.Routed routed = router.route(row("bad/type", "c1", "{}"), source());
        assertThat(header(routed.deadLetter(), "dlq-reason")).contains("legal topic name");
        assertThat(header(routed.deadLetter(), "source-lsn")).isEqualTo("123456");
    }

    @Test
    void aRecordLargerThanTheProducerAllowsIsADeadLetterWithoutItsPayload() {
        OutboxRouter small = new OutboxRouter(10_000);
        OutboxRouter.Routed routed = small.route(row("customer", "c1", "{\"b\": \"" + "x".repeat(20_000) + "\"}"), source());
        assertThat(header(routed.deadLetter(), "dlq-reason")).contains("max.request.size");
        assertThat(routed.deadLetter().value()).isNull();
    }

    @Test
    void aRecordTooLargeForItsTopicKeepsItsPayloadInTheDeadLetterOnlyIfItFitsThere() {
        ProducerRecord<byte[], byte[]> event = router.route(row("customer", "c1", "{\"blob\": \"" + "b".repeat(5000) + "\"}"),
                source()).event();
        assertThat(OutboxRouter.estimatedSize(event)).isGreaterThan(5000);

        ProducerRecord<byte[], byte[]> kept = OutboxRouter.redirect(event, "too large for its topic", 1_000_000);
        assertThat(kept.topic()).isEqualTo(RelaySettings.DLQ_TOPIC);
        assertThat(kept.value()).isEqualTo(event.value());
        assertThat(header(kept, "dlq-reason")).isEqualTo("too large for its topic");

        ProducerRecord<byte[], byte[]> omitted = OutboxRouter.redirect(event, "too large for its topic", 2000);
        assertThat(omitted.value()).isNull();
        assertThat(header(omitted, "dlq-payload-omitted")).isNotEmpty();
        assertThat(header(omitted, "aggregate-id")).isEqualTo("c1");
    }
}
