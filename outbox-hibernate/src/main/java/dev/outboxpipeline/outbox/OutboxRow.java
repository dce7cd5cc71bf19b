package dev.outboxpipeline.outbox;

import dev.outboxpipeline.contract.TraceContext;

import java.util.Optional;
import java.util.UUID;

/**
 * An outbox row as written: the event id, routing, type, version, the JSON payload (null for a deletion) and the
 * trace context of the write, if it carried one. Listeners receive these once their transaction has committed.
 */
public record OutboxRow(UUID id, String aggregateType, String aggregateId, String type, long version, String payload,
                        Optional<TraceContext> traceContext) {

    public OutboxRow {
        traceContext = traceContext == null ? Optional.empty() : traceContext;
    }

    /** A row of a write without trace context. */
    public OutboxRow(UUID id, String aggregateType, String aggregateId, String type, long version, String payload) {
        this(id, aggregateType, aggregateId, type, version, payload, Optional.empty());
    }
}
