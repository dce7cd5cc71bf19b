package dev.outboxpipeline.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    void aDeletionsContentHasANullPayload() throws Exception {
        JsonNode content = new ObjectMapper().readTree(OutboxMessages.content(
                new OutboxRow(UUID.randomUUID(), "parcel", "p-1", "ParcelDeleted", 8, null)));

        assertThat(content.has("payload")).isTrue();
        assertThat(content.get("payload").isNull()).isTrue();
    }
}
