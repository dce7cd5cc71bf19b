package dev.outboxpipeline.relay;

import dev.outboxpipeline.contract.TopicNames;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    private static final Schema MESSAGE = SchemaBuilder.struct()
            .field("prefix", Schema.OPTIONAL_STRING_SCHEMA)
            .field("content", Schema.OPTIONAL_BYTES_SCHEMA)
            .build();

    private final OutboxRouter router = new OutboxRouter(1_048_576, Optional.empty());

    private static Struct row(String type, String id, String payload) {
        return new Struct(AFTER).put("id", "e1").put("aggregatetype", type).put("aggregateid", id)
                .put("type", "CustomerUpdated").put("payload", payload).put("aggregate_version", 3L);
    }

    private static Struct source() {
        return new Struct(SOURCE).put("lsn", 123456L).put("ts_ms", 1700000000000L).put("txId", 771L);
    }

    private static Struct message(String content) {
        return new Struct(MESSAGE).put("prefix", "outbox").put("content", ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static List<String> headers(ProducerRecord<byte[], byte[]> r) {
        List<String> all = new ArrayList<>();
        for (Header h : r.headers()) {
            all.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        return all;
    }

    private static ProducerRecord<byte[], byte[]> event(OutboxRouter.Routed routed) {
        assertThat(routed).isInstanceOf(OutboxRouter.Event.class);
        return routed.record();
    }

    private static OutboxRouter.DeadLetter deadLetter(OutboxRouter.Routed routed) {
        assertThat(routed).isInstanceOf(OutboxRouter.DeadLetter.class);
        assertThat(routed.record().topic()).isEqualTo(TopicNames.RELAY_DEAD_LETTERS);
        return (OutboxRouter.DeadLetter) routed;
    }

    @Test
    void routesAnInsertToItsAggregateTopicWithThePayloadBytesAsDecoded() {
        String payload = "{\"id\": \"c1\", \"total\": 31.50}";
        ProducerRecord<byte[], byte[]> r = event(router.route(row("customer", "c1", payload), source()));

        assertThat(r.topic()).isEqualTo("outbox.event.customer");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("c1");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(payload);
        assertThat(headers(r)).containsExactly("id=e1", "type=CustomerUpdated", "aggregate-version=3", "source-lsn=123456",
                "source-ts-ms=1700000000000");
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

        ProducerRecord<byte[], byte[]> event = ((OutboxRouter.Event) router.route(row, source())).record();
        ProducerRecord<byte[], byte[]> letter = ((OutboxRouter.DeadLetter) router.route(row.put("aggregateid", null), source())).record();
        ProducerRecord<byte[], byte[]> untraced = ((OutboxRouter.Event) router.route(
                row.put("aggregateid", "c1").put("tracingspancontext", null), source())).record();

        assertThat(header(event, "traceparent")).isEqualTo(parent);
        assertThat(header(event, "tracestate")).isEqualTo("shop=checkout");
        assertThat(header(letter, "traceparent")).isEqualTo(parent);
        assertThat(untraced.headers().lastHeader("traceparent")).isNull();
        assertThat(router.route(row("customer", "c1", "{}"), source()).record().headers().lastHeader("traceparent"))
                .as("a table without the column (made before V4)").isNull();
    }

    @Test
    void aNullPayloadBecomesATombstone() {
        assertThat(event(router.route(row("customer", "c1", null), source())).value()).isNull();
    }

    @Test
    void aNullAggregateIdIsADeadLetter() {
        OutboxRouter.DeadLetter letter = deadLetter(router.route(row("customer", null, "{}"), source()));
        assertThat(letter.reason()).contains("aggregateid is null");
        assertThat(header(letter.record(), "dlq-reason")).contains("aggregateid is null");
    }

    @Test
    void anAggregateTypeThatMakesNoTopicNameIsADeadLetter() {
        OutboxRouter.DeadLetter letter = deadLetter(router.route(row("bad/type", "c1", "{}"), source()));
        assertThat(header(letter.record(), "dlq-reason")).contains("legal topic name");
        assertThat(header(letter.record(), "source-lsn")).isEqualTo("123456");
    }

    @Test
    void aRecordLargerThanTheProducerAllowsIsADeadLetterWithoutItsPayload() {
        OutboxRouter small = new OutboxRouter(10_000, Optional.empty());
        OutboxRouter.DeadLetter letter = deadLetter(small.route(row("customer", "c1", "{\"b\": \"" + "x".repeat(20_000) + "\"}"), source()));
        assertThat(letter.reason()).contains("max.request.size");
        assertThat(letter.record().value()).isNull();
    }

    @Test
    void aRecordTooLargeForItsTopicKeepsItsPayloadInTheDeadLetterOnlyIfItFitsThere() {
        OutboxRouter.Routed routed = router.route(row("customer", "c1", "{\"blob\": \"" + "b".repeat(5000) + "\"}"), source());
        OutboxRouter.Event event = (OutboxRouter.Event) routed;
        assertThat(OutboxRouter.estimatedSize(event.record())).isGreaterThan(5000);

        ProducerRecord<byte[], byte[]> kept = OutboxRouter.redirect(event, "too large for its topic", 1_000_000).record();
        assertThat(kept.topic()).isEqualTo(TopicNames.RELAY_DEAD_LETTERS);
        assertThat(kept.value()).isEqualTo(event.record().value());
        assertThat(header(kept, "dlq-reason")).isEqualTo("too large for its topic");

        ProducerRecord<byte[], byte[]> omitted = OutboxRouter.redirect(event, "too large for its topic", 2000).record();
        assertThat(omitted.value()).isNull();
        assertThat(header(omitted, "dlq-payload-omitted")).isNotEmpty();
        assertThat(header(omitted, "aggregate-id")).isEqualTo("c1");
    }

    @Test
    void anOutboxMessageGivesTheRecordOfTheSameRowWithThePayloadAsJsonbPrintsIt() {
        String content = "{\"format\":1,\"id\":\"e1\",\"type\":\"CustomerUpdated\",\"aggregateType\":\"customer\","
                + "\"aggregateId\":\"c1\",\"aggregateVersion\":3,\"payload\":{\"total\":31.50,\"id\":\"c1\"},\"future\":[1]}";
        ProducerRecord<byte[], byte[]> fromMessage = event(router.routeMessage(message(content), source()));
        ProducerRecord<byte[], byte[]> fromRow = event(router.route(row("customer", "c1", "{\"id\": \"c1\", \"total\": 31.50}"), source()));

        assertThat(fromMessage.topic()).isEqualTo(fromRow.topic());
        assertThat(fromMessage.key()).isEqualTo(fromRow.key());
        assertThat(new String(fromMessage.value(), StandardCharsets.UTF_8)).isEqualTo(new String(fromRow.value(), StandardCharsets.UTF_8));
        assertThat(headers(fromMessage)).isEqualTo(headers(fromRow));
    }

    @Test
    void aMessageCarriesItsTraceContextIntoTheHeaders() {
        String content = "{\"format\":1,\"id\":\"e1\",\"type\":\"CustomerDeleted\",\"aggregateType\":\"customer\",\"aggregateId\":\"c1\","
                + "\"aggregateVersion\":4,\"payload\":null,\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\","
                + "\"tracestate\":\"shop=1\"}";
        ProducerRecord<byte[], byte[]> r = event(router.routeMessage(message(content), source()));
        assertThat(r.value()).isNull();
        assertThat(header(r, "traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(header(r, "tracestate")).isEqualTo("shop=1");
    }

    @Test
    void aMessageOfAnUnknownFormatIsADeadLetterKeepingItsContent() {
        String content = "{\"format\":2,\"id\":\"e1\",\"everything\":\"different\"}";
        OutboxRouter.DeadLetter letter = deadLetter(router.routeMessage(message(content), source()));
        assertThat(letter.reason()).contains("format 2").contains("upgrade the relay");
        assertThat(new String(letter.record().value(), StandardCharsets.UTF_8)).isEqualTo(content);
        assertThat(header(letter.record(), "source-lsn")).isEqualTo("123456");
    }

    @Test
    void malformedMessageContentIsADeadLetterWithTheReason() {
        assertThat(deadLetter(router.routeMessage(message("not json"), source())).reason()).contains("not valid JSON");
        assertThat(deadLetter(router.routeMessage(message("[1]"), source())).reason()).contains("not a JSON object");
        assertThat(deadLetter(router.routeMessage(message("{\"format\":1,\"id\":\"e1\",\"type\":\"T\",\"aggregateType\":\"customer\","
                + "\"aggregateId\":\"c1\",\"payload\":{}}"), source())).reason()).contains("aggregateVersion");
        assertThat(deadLetter(router.routeMessage(message("{\"id\":\"e1\"}"), source())).reason()).contains("no 'format'");
        assertThat(deadLetter(router.routeMessage(message("{\"format\":1,\"id\":7}"), source())).reason()).contains("'id' is not a string");
    }

    @Test
    void aMessageWithoutATransactionIsADeadLetter() {
        String content = "{\"format\":1,\"id\":\"e1\",\"type\":\"T\",\"aggregateType\":\"customer\",\"aggregateId\":\"c1\","
                + "\"aggregateVersion\":1,\"payload\":{}}";
        Struct nonTransactional = new Struct(SOURCE).put("lsn", 5L).put("ts_ms", 6L);
        assertThat(deadLetter(router.routeMessage(message(content), nonTransactional)).reason()).contains("not transactional");
    }

    @Test
    void cloudEventsHeadersAreAddedWhenConfiguredAndKeptOnDeadLetters() {
        OutboxRouter withCe = new OutboxRouter(1_048_576, Optional.of("/shop"));
        ProducerRecord<byte[], byte[]> r = event(withCe.route(row("customer", "c1", "{}"), source()));
        assertThat(headers(r)).contains("ce_specversion=1.0", "ce_id=e1", "ce_source=/shop", "ce_type=CustomerUpdated",
                "ce_time=2023-11-14T22:13:20Z", "ce_subject=c1", "content-type=application/json");
        ProducerRecord<byte[], byte[]> letter = deadLetter(withCe.route(row("bad/type", "c1", "{}"), source())).record();
        assertThat(headers(letter)).contains("ce_id=e1", "ce_source=/shop", "ce_type=CustomerUpdated");
        assertThat(headers(event(router.route(row("customer", "c1", "{}"), source())))).noneMatch(h -> h.startsWith("ce_"));
    }
}
