package dev.outboxpipeline.relay;

import dev.outboxpipeline.contract.TopicNames;
import dev.outboxpipeline.infra.SharedServers;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's message mode: outbox events as logical decoding messages give the records of outbox rows. */
class RelayMessageModeIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    /** Key order, spacing, a number's scale and exponent, escapes, non-ASCII: what jsonb prints differently from Jackson. */
    private static final String PAYLOAD = "{\"version\":3,\"id\":\"c1\",\"total\":31.50,\"big\":1e2,\"name\":\"Zo\u00eb \\\"Z\\\"\\n\\t/\","
            + "\"lines\":[{\"sku\":\"a\",\"qty\":2},{}],\"gone\":null,\"ok\":true}";

    private static RelayFixture fixture(String name) {
        return new RelayFixture(SharedServers.postgres(), SharedServers.kafka(), name);
    }

    @Test
    void shouldRelayAnOutboxMessageAsTheSameRecordAsItsOutboxRow() throws Exception {
        RelayFixture f = fixture("samerecord");
        OutboxEvent event = f.event("c1", 3).withPayload(PAYLOAD);
        OutboxEvent deletion = f.event("c2", 1).withPayload(null);
        try (Relay ignored = RelayIT.startStreaming(f.env()); Connection c = f.connect()) {
            OutboxWrites.createBusinessTable(c);
            // each event twice in one transaction, once per mode: same commit time, only the LSN differs
            c.setAutoCommit(false);
            try (PreparedStatement row = c.prepareStatement("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, "
                    + "aggregate_version) VALUES (?, ?, ?, ?, ?::jsonb, ?)");
                 PreparedStatement message = c.prepareStatement("SELECT pg_logical_emit_message(true, 'outbox', ?::text)")) {
                for (OutboxEvent e : List.of(event, deletion)) {
                    row.setObject(1, e.id());
                    row.setString(2, e.aggregateType());
                    row.setString(3, e.aggregateId());
                    row.setString(4, e.type());
                    row.setString(5, e.payload());
                    row.setLong(6, e.version());
                    row.executeUpdate();
                    message.setString(1, OutboxWrites.content(e));
                    message.execute();
                }
            }
            c.commit();
            c.setAutoCommit(true);

            List<ConsumerRecord<byte[], byte[]>> read = f.readRecords(Pattern.compile(Pattern.quote(f.eventTopic())), 4, WAIT);
            assertThat(read).hasSize(4);
            for (String key : List.of("c1", "c2")) {
                // one key, one partition: the row's record, then the message's
                List<ConsumerRecord<byte[], byte[]>> same = read.stream().filter(r -> text(r.key()).equals(key)).toList();
                assertThat(same).hasSize(2);
                ConsumerRecord<byte[], byte[]> fromRow = same.get(0);
                ConsumerRecord<byte[], byte[]> fromMessage = same.get(1);
                assertThat(fromMessage.topic()).isEqualTo(fromRow.topic());
                assertThat(fromMessage.partition()).isEqualTo(fromRow.partition());
                assertThat(fromMessage.key()).isEqualTo(fromRow.key());
                assertThat(text(fromMessage.value())).isEqualTo(text(fromRow.value()));
                assertThat(withoutLsn(fromMessage)).isEqualTo(withoutLsn(fromRow));
                assertThat(Long.parseLong(header(fromMessage, "source-lsn"))).isGreaterThan(Long.parseLong(header(fromRow, "source-lsn")));
            }
            read = read.stream().sorted(java.util.Comparator.comparing(r -> text(r.key()))).toList();
            assertThat(text(read.get(1).value())).isEqualTo(storedPayload(c, event));
            assertThat(read.get(3).value()).as("a deletion is a tombstone in both modes").isNull();

            try (CloudEventDeserializer sdk = new CloudEventDeserializer()) {
                for (ConsumerRecord<byte[], byte[]> r : read.subList(0, 2)) {
                    CloudEvent ce = sdk.deserialize(r.topic(), r.headers(), r.value());
                    assertThat(ce.getId()).isEqualTo(event.id().toString());
                    assertThat(ce.getType()).isEqualTo(event.type());
                    assertThat(ce.getSource().toString()).isEqualTo(RelaySettings.DEFAULT_CLOUDEVENTS_SOURCE);
                    assertThat(ce.getSubject()).isEqualTo("c1");
                    assertThat(ce.getDataContentType()).isEqualTo("application/json");
                    assertThat(ce.getTime().toInstant()).isEqualTo(Instant.ofEpochMilli(Long.parseLong(header(r, "source-ts-ms"))));
                    assertThat(ce.getData().toBytes()).isEqualTo(r.value());
                }
            }
        }
    }

    @Test
    void shouldDeadLetterAnUnknownFormatOrMalformedContentAndKeepRelaying() throws Exception {
        RelayFixture f = fixture("msgdlq");
        String unknownFormat = "{\"format\":2,\"id\":\"" + f.name + "-f2\",\"event\":{}}";
        String notJson = "not json " + f.name;
        OutboxEvent good = f.event("g1", 1);
        try (Relay ignored = RelayIT.startStreaming(f.env()); Connection c = f.connect()) {
            OutboxWrites.createBusinessTable(c);
            try (PreparedStatement p = c.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?::text)")) {
                for (String[] m : List.of(new String[] {"outbox", unknownFormat}, new String[] {"outbox", notJson},
                        new String[] {"audit", "another prefix: not the relay's " + f.name})) {
                    p.setString(1, m[0]);
                    p.setString(2, m[1]);
                    p.execute();
                }
            }
            OutboxWrites.emit(c, List.of(good));

            assertThat(f.readEvents(1, WAIT)).extracting(ConsumedEvent::id).containsExactly(good.id().toString());
            List<ConsumedEvent> letters = f.read(Pattern.compile(Pattern.quote(TopicNames.RELAY_DEAD_LETTERS)),
                    l -> l.stream().filter(e -> text(e.value()).contains(f.name)).count() >= 2, WAIT);
            Map<String, String> reasons = new LinkedHashMap<>();
            letters.stream().filter(e -> e.value() != null && text(e.value()).contains(f.name))
                    .forEach(e -> reasons.put(text(e.value()), e.headerValue("dlq-reason")));
            assertThat(reasons).containsOnlyKeys(unknownFormat, notJson);
            assertThat(reasons.get(unknownFormat)).contains("format 2");
            assertThat(reasons.get(notJson)).contains("not valid JSON");
        }
    }

    @Test
    void shouldReadNoOutboxMessagesWhenTurnedOff() throws Exception {
        RelayFixture f = fixture("msgoff");
        Map<String, String> env = f.env();
        env.put("RELAY_DECODE_MESSAGES", "false");
        OutboxEvent message = f.event("m1", 1);
        OutboxEvent row = f.event("r1", 1);
        try (Relay ignored = RelayIT.startStreaming(env); Connection c = f.connect()) {
            OutboxWrites.createBusinessTable(c);
            OutboxWrites.emit(c, List.of(message));
            OutboxWrites.insert(c, List.of(row));

            // the row, committed after the message, arrives alone
            assertThat(f.readEventsSettled(1, WAIT)).extracting(ConsumedEvent::id).containsExactly(row.id().toString());
        }
    }

    private static Map<String, String> withoutLsn(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            if (!h.key().equals("source-lsn")) {
                headers.put(h.key(), text(h.value()));
            }
        }
        return headers;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return text(r.headers().lastHeader(name).value());
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String storedPayload(Connection c, OutboxEvent e) throws Exception {
        try (PreparedStatement p = c.prepareStatement("SELECT payload::text FROM outbox WHERE id = ?")) {
            p.setObject(1, e.id());
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
