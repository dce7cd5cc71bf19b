package dev.outboxpipeline.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.contract.TraceContext;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboxMessagesTest {

    @Test
    void aSourceOlderThanPostgres14IsRefusedNamingTheFix() {
        assertThatThrownBy(() -> OutboxMessages.requireSupported(13, "13.16"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgreSQL 14").hasMessageContaining("13.16").hasMessageContaining("table mode");
        assertThatCode(() -> OutboxMessages.requireSupported(14, "14.0")).doesNotThrowAnyException();
    }

    @Test
    void theContentCarriesTheEventAndItsPayloadAsJson() throws Exception {
        UUID id = UUID.randomUUID();
        JsonNode content = new ObjectMapper().readTree(OutboxMessages.content(
                new OutboxRow(id, "parcel", "p-1", "ParcelShipped", 7, "{\"status\": \"SHIPPED\", \"version\": 7}")));

        assertThat(content.get("format").asInt()).isEqualTo(1);
        assertThat(content.get("id").asText()).isEqualTo(id.toString());
        assertThat(content.get("type").asText()).isEqualTo("ParcelShipped");
        assertThat(content.get("aggregateType").asText()).isEqualTo("parcel");
        assertThat(content.get("aggregateId").asText()).isEqualTo("p-1");
        assertThat(content.get("aggregateVersion").asLong()).isEqualTo(7);
        assertThat(content.get("payload").get("status").asText()).isEqualTo("SHIPPED");
    }

    @Test
    void theContentCarriesTheTraceContextOnlyWhenTheWriteHadOne() throws Exception {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        OutboxRow traced = new OutboxRow(UUID.randomUUID(), "parcel", "p-1", "ParcelShipped", 7, "{}",
                TraceContext.of(parent, "depot=rtm"));
        OutboxRow untraced = new OutboxRow(UUID.randomUUID(), "parcel", "p-1", "ParcelShipped", 7, "{}");

        JsonNode content = new ObjectMapper().readTree(OutboxMessages.content(traced));
        JsonNode without = new ObjectMapper().readTree(OutboxMessages.content(untraced));

        assertThat(content.get("traceparent").asText()).isEqualTo(parent);
        assertThat(content.get("tracestate").asText()).isEqualTo("depot=rtm");
        assertThat(without.has("traceparent")).isFalse();
        assertThat(without.has("tracestate")).isFalse();
    }

    @Test
    void aDeletionsContentHasANullPayload() throws Exception {
        JsonNode content = new ObjectMapper().readTree(OutboxMessages.content(
                new OutboxRow(UUID.randomUUID(), "parcel", "p-1", "ParcelDeleted", 8, null)));

        assertThat(content.has("payload")).isTrue();
        assertThat(content.get("payload").isNull()).isTrue();
    }
}
