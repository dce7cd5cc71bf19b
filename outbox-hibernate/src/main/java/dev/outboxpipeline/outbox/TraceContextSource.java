package dev.outboxpipeline.outbox;

import dev.outboxpipeline.contract.TraceContext;

import java.util.Optional;

/**
 * Where the outbox takes the trace context of the write from, once per recorded event, on the recording thread (so
 * a tracer's current span is the request's). The library needs no tracer: a service with OpenTelemetry supplies
 * its current span's context, one without keeps {@link #NONE}.
 */
@FunctionalInterface
public interface TraceContextSource {

    TraceContextSource NONE = Optional::empty;

    Optional<TraceContext> current();
}
