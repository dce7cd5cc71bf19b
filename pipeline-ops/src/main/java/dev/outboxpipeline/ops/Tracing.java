package dev.outboxpipeline.ops;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.TracingSettings;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.TraceContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import org.slf4j.MDC;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A service's tracer (OpenTelemetry SDK) and the W3C trace context it reads from requests and events and writes to
 * events. Built from {@link TracingSettings} ({@link #start}), or around an SDK of the caller's ({@link #of}, e.g. a
 * test's in-memory exporter).
 */
public final class Tracing implements AutoCloseable {

    public static final String INSTRUMENTATION = "dev.outboxpipeline";
    /** The MDC keys of the current trace, as OpenTelemetry's logging instrumentation names them. */
    public static final String MDC_TRACE_ID = "trace_id";
    public static final String MDC_SPAN_ID = "span_id";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private static final SpanProcessor KEEP_IDS = new SpanProcessor() {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final OpenTelemetrySdk owned;

    private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk owned) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
        this.owned = owned;
    }

    /**
     * The SDK as the settings say (exporter none unless configured: spans still get ids, so a new trace starts).
     *
     * @throws ConfigException when the SDK refuses a setting
     */
    public static Tracing start(TracingSettings settings) {
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(settings::properties)
                    // with no exporter the SDK has no span processor and would hand out invalid spans: this one
                    // keeps spans (and their ids) real, so a request without a traceparent still starts a trace
                    .addTracerProviderCustomizer((tracerProvider, config) -> tracerProvider.addSpanProcessor(KEEP_IDS))
                    .disableShutdownHook() // closed with the service, which flushes the last spans
                    .build()
                    .getOpenTelemetrySdk();
            return new Tracing(sdk, sdk);
        } catch (ConfigurationException e) {
            throw new ConfigException("tracing (OTEL_* variables): " + e.getMessage(), e);
        }
    }

    /** Around an OpenTelemetry of the caller's, who closes it. */
    public static Tracing of(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry, null);
    }

    public Tracer tracer() {
        return tracer;
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** The trace context of the current span, or empty when there is no valid one. */
    public static Optional<TraceContext> current() {
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(Context.current(), carrier, Map::put);
        return TraceContext.of(carrier.get(EventHeaders.TRACEPARENT), carrier.get(EventHeaders.TRACESTATE));
    }

    /** The context of the caller's {@code traceparent}/{@code tracestate}; the root context when malformed or absent. */
    public static Context extract(String traceparent, String tracestate) {
        Map<String, String> carrier = new HashMap<>();
        if (traceparent != null) {
            carrier.put(EventHeaders.TRACEPARENT, traceparent);
        }
        if (tracestate != null) {
            carrier.put(EventHeaders.TRACESTATE, tracestate);
        }
        return W3C.extract(Context.root(), carrier, MAP);
    }

    /** The remote span an event's trace context names, for a parent or a link. */
    public static SpanContext spanContext(TraceContext context) {
        return Span.fromContext(extract(context.traceparent(), context.tracestate().orElse(null))).getSpanContext();
    }

    /** Puts the span's trace and span id into the logging MDC until closed. */
    public static MdcScope mdc(SpanContext span) {
        if (!span.isValid()) {
            return () -> { };
        }
        MDC.put(MDC_TRACE_ID, span.getTraceId());
        MDC.put(MDC_SPAN_ID, span.getSpanId());
        return () -> {
            MDC.remove(MDC_TRACE_ID);
            MDC.remove(MDC_SPAN_ID);
        };
    }

    /** Closing it takes the ids out of the MDC again. */
    @FunctionalInterface
    public interface MdcScope extends AutoCloseable {
        @Override
        void close();
    }

    /** Flushes and stops the SDK this built (not one passed to {@link #of}). */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
