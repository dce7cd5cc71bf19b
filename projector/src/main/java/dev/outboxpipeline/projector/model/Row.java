package dev.outboxpipeline.projector.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.outboxpipeline.contract.TraceContext;

import java.util.Optional;

/**
 * A read-model row as the state stores keep it: a live row, or a deletion marker that remembers the
 * version of the delete, so that an older event arriving later never brings the row back.
 */
public interface Row {

    String id();

    /** The source aggregate version this row reflects. */
    long version();

    /** Source commit time (epoch milliseconds) of the event behind this row, for end-to-end lag. */
    long sourceTsMs();

    boolean deleted();

    /** W3C trace context of the write behind this row (null when it carried none), for the sink's span links. */
    String traceparent();

    String tracestate();

    @JsonIgnore
    default Optional<TraceContext> trace() {
        return TraceContext.of(traceparent(), tracestate());
    }
}
