package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.contract.TraceContext;
import dev.outboxpipeline.ops.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One span per batch the sink applies. A batch holds the changes of many writes, and the order view's changes come
 * out of the foreign-key join without the events' headers, so the span links to the write behind each change (the
 * trace context each row carries). When every change comes from one trace, the span also continues that trace.
 */
final class ApplySpans {

    static final String NAME = "projector apply";

    private final Tracing tracing;

    ApplySpans(Tracing tracing) {
        this.tracing = tracing;
    }

    /** The batch's span, current (and its trace id in the logging MDC) on this thread until closed. */
    Batch open(List<Change> changes) {
        return new Batch(start(changes));
    }

    Span start(List<Change> changes) {
        Set<TraceContext> writes = new LinkedHashSet<>();
        for (Change change : changes) {
            change.trace().ifPresent(writes::add);
        }
        SpanBuilder span = tracing.tracer().spanBuilder(NAME).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("projector.batch.changes", changes.size());
        Optional<SpanContext> only = onlyTrace(writes);
        if (only.isPresent()) {
            span.setParent(Context.root().with(Span.wrap(only.get())));
        } else {
            span.setNoParent();
        }
        // the SDK keeps the first 128 links of a span (OTEL_SPAN_LINK_COUNT_LIMIT)
        writes.forEach(w -> span.addLink(Tracing.spanContext(w)));
        return span.startSpan();
    }

    void end(Span span, String failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure);
        }
        span.end();
    }

    /** An open batch span; closing it ends the span, as an error when the last attempt failed. */
    final class Batch implements AutoCloseable {

        private final Span span;
        private final Scope scope;
        private final Tracing.MdcScope mdc;
        private String failure;

        private Batch(Span span) {
            this.span = span;
            this.scope = span.makeCurrent();
            this.mdc = Tracing.mdc(span.getSpanContext());
        }

        void failed(String reason, Exception e) {
            span.recordException(e);
            failure = reason;
        }

        void succeeded() {
            failure = null;
        }

        @Override
        public void close() {
            mdc.close();
            scope.close();
            end(span, failure);
        }
    }

    /** The first write's span when all writes share one trace id. */
    private static Optional<SpanContext> onlyTrace(Set<TraceContext> writes) {
        if (writes.isEmpty() || writes.stream().map(TraceContext::traceId).distinct().count() != 1) {
            return Optional.empty();
        }
        return Optional.of(Tracing.spanContext(writes.iterator().next()));
    }
}
