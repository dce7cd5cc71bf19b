package dev.outboxpipeline.projector.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.outboxpipeline.contract.TraceContext;

import java.util.Optional;

/** A customer as of one source version; {@code deleted} marks a deletion (name and email are then null). */
public record CustomerRow(String id, String name, String email, long version, long sourceTsMs,
                       @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deleted,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String tracestate) implements Row {

    public CustomerRow(String id, String name, String email, long version, long sourceTsMs, boolean deleted) {
        this(id, name, email, version, sourceTsMs, deleted, null, null);
    }

    public static CustomerRow of(String id, String name, String email, long version, long sourceTsMs) {
        return new CustomerRow(id, name, email, version, sourceTsMs, false);
    }

    public static CustomerRow deletedAt(String id, long version, long sourceTsMs) {
        return new CustomerRow(id, null, null, version, sourceTsMs, true);
    }

    /** This row, behind which stands the write of {@code trace}. */
    public CustomerRow withTrace(Optional<TraceContext> trace) {
        return new CustomerRow(id, name, email, version, sourceTsMs, deleted, trace.map(TraceContext::traceparent).orElse(null),
                trace.flatMap(TraceContext::tracestate).orElse(null));
    }
}
