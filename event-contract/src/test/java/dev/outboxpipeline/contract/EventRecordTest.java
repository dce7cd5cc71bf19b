package dev.outboxpipeline.contract;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventRecordTest {

    private static EventRecord sample() {
        return new EventRecord("e-1", "CustomerUpdated", "customer", "c-1", 3,
                "{\"id\":\"c-1\"}".getBytes(StandardCharsets.UTF_8), 42, 1_700_000_000_123L,
                Optional.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), Optional.empty());
    }

    @Test
    void shouldReadBackWhatItWrites() {
        EventRecord e = sample();
        Map<String, byte[]> headers = e.headers(Optional.empty());
        EventRecord back = EventRecord.decode(e.topic(), e.key(), e.payload(), headers::get);
        assertThat(back.id()).isEqualTo("e-1");
        assertThat(back.aggregateType()).isEqualTo("customer");
        assertThat(back.aggregateId()).isEqualTo("c-1");
        assertThat(back.aggregateVersion()).isEqualTo(3);
        assertThat(back.sourceLsn()).isEqualTo(42);
        assertThat(back.sourceTsMs()).isEqualTo(1_700_000_000_123L);
        assertThat(back.traceparent()).isEqualTo(e.traceparent());
        assertThat(headers).doesNotContainKey(EventHeaders.CE_ID);
    }

    @Test
    void shouldAddCloudEventsHeadersWithTheCommitTime() {
        Map<String, byte[]> headers = sample().headers(Optional.of("/shop"));
        assertThat(new String(headers.get(EventHeaders.CE_TIME), StandardCharsets.UTF_8)).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(new String(headers.get(EventHeaders.CE_SUBJECT), StandardCharsets.UTF_8)).isEqualTo("c-1");
        assertThat(new String(headers.get(EventHeaders.CE_SOURCE), StandardCharsets.UTF_8)).isEqualTo("/shop");
    }

    @Test
    void shouldEncodeManyRecordsAsEachAlone() {
        // the encoder shares what repeats (ce_source, ce_time within a millisecond): each record still gets its own values
        EventRecord.HeaderEncoder encoder = new EventRecord.HeaderEncoder(Optional.of("/shop"));
        EventRecord first = sample();
        EventRecord sameMillisecond = new EventRecord("e-2", "CustomerCreated", "customer", null, 1, null, 43,
                first.sourceTsMs(), Optional.empty(), Optional.empty());
        EventRecord later = new EventRecord("e-3", null, "customer", "c-3", 7, null, 44, first.sourceTsMs() + 1,
                Optional.empty(), Optional.of("k=v"));
        for (EventRecord e : java.util.List.of(first, sameMillisecond, later, first)) {
            Map<String, byte[]> encoded = new java.util.LinkedHashMap<>();
            encoder.write(e, encoded::put);
            Map<String, byte[]> alone = e.headers(Optional.of("/shop"));
            assertThat(encoded.keySet()).containsExactlyElementsOf(alone.keySet());
            alone.forEach((name, value) -> assertThat(encoded.get(name)).as(name).isEqualTo(value));
        }
    }

    @Test
    void shouldNameTheMissingHeader() {
        assertThatThrownBy(() -> EventRecord.decode("outbox.event.customer", null, null, name -> null))
                .isInstanceOf(EventRecord.MalformedEventException.class).hasMessageContaining("'id'");
    }

    @Test
    void shouldRefuseIllegalTopicNames() {
        assertThat(TopicNames.isLegal(TopicNames.eventTopic("customer"))).isTrue();
        assertThat(TopicNames.isLegal(TopicNames.eventTopic("bad type"))).isFalse();
    }
}
