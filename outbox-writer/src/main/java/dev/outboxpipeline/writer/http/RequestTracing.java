package dev.outboxpipeline.writer.http;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.ops.Tracing;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * One server span per shop request: a child of the caller's {@code traceparent}/{@code tracestate} when it sent
 * valid ones, else the root of a new trace. The span is current while the request is handled, so the outbox stores
 * its context with the request's events, and the request's log lines carry its trace id.
 */
final class RequestTracing {

    private static final String SPAN = RequestTracing.class.getName() + ".span";
    private static final String SCOPE = RequestTracing.class.getName() + ".scope";
    private static final String MDC = RequestTracing.class.getName() + ".mdc";

    private RequestTracing() {
    }

    static void install(Javalin app, Tracing tracing) {
        app.before(ctx -> {
            if (isOperational(ctx)) {
                return;
            }
            Span span = tracing.tracer().spanBuilder(ctx.method().name() + " " + ctx.path())
                    .setParent(Tracing.extract(ctx.header(EventHeaders.TRACEPARENT), ctx.header(EventHeaders.TRACESTATE)))
                    .setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.request.method", ctx.method().name())
                    .setAttribute("url.path", ctx.path())
                    .startSpan();
            ctx.attribute(SPAN, span);
            ctx.attribute(SCOPE, span.makeCurrent());
            ctx.attribute(MDC, Tracing.mdc(span.getSpanContext()));
        });
        app.after(ctx -> {
            Span span = ctx.attribute(SPAN);
            if (span == null) {
                return;
            }
            close(ctx.attribute(MDC));
            close(ctx.attribute(SCOPE));
            span.setAttribute("http.response.status_code", ctx.statusCode());
            if (ctx.statusCode() >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        });
    }

    private static boolean isOperational(Context ctx) {
        return ctx.path().equals("/health") || ctx.path().startsWith("/health/") || ctx.path().equals("/metrics");
    }

    private static void close(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e); // Scope and MdcScope do not throw
        }
    }
}
