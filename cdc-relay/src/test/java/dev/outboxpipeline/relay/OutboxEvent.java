package dev.outboxpipeline.relay;

import java.util.UUID;

/** An outbox row as a test writes it. */
record OutboxEvent(UUID id, String aggregateType, String aggregateId, String type, String payload, long version) {

    static OutboxEvent of(String aggregateType, String aggregateId, long version) {
        UUID id = UUID.randomUUID();
        String payload = "{\"id\": \"" + aggregateId + "\", \"version\": " + version + ", \"note\": \"" + "x".repeat(200) + "\"}";
        return new OutboxEvent(id, aggregateType, aggregateId, "CustomerUpdated", payload, version);
    }

    OutboxEvent withPayload(String newPayload) {
        return new OutboxEvent(id, aggregateType, aggregateId, type, newPayload, version);
    }

    OutboxEvent withAggregateId(String newAggregateId) {
        return new OutboxEvent(id, aggregateType, newAggregateId, type, payload, version);
    }

    OutboxEvent withAggregateType(String newAggregateType) {
        return new OutboxEvent(id, newAggregateType, aggregateId, type, payload, version);
    }
}
