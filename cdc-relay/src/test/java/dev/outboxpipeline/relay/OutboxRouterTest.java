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
