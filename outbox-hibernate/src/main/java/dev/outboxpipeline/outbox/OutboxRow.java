package dev.outboxpipeline.outbox;

import java.util.UUID;

/**
 * An outbox row as written: the event id, routing, type, version and the JSON payload (null for a
 * deletion). Listeners receive these once their transaction has committed.
 */
public record OutboxRow(UUID id, String aggregateType, String aggregateId, String type, long version, String payload) {
}
