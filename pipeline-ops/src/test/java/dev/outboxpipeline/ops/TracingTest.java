package dev.outboxpipeline.ops;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.TracingSettings;
import dev.outboxpipeline.contract.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TracingTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void withNothingConfiguredSpansStillStartTracesThatEventsCanCarry() {
        try (Tracing tracing = Tracing.start(TracingSettings.fromEnv(Env.of(Map.of()), "test"))) {
            Span span = tracing.tracer().spanBuilder("work").setNoParent().startSpan();
            try (Scope ignored = span.makeCurrent()) {
                TraceContext current = Tracing.current().orElseThrow();

                assertThat(current.traceId()).isEqualTo(span.getSpanContext().getTraceId());
                assertThat(current.traceparent()).contains(span.getSpanContext().getSpanId());
            } finally {
                span.end();
            }
            assertThat(Tracing.current()).as("no span, no context").isEmpty();
        }
    }

    @Test
    void anEventsContextIsTheRemoteParentItNames() {
        SpanContext remote = Tracing.spanContext(TraceContext.of(PARENT, "shop=1").orElseThrow());

        assertThat(remote.isRemote()).isTrue();
        assertThat(remote.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(remote.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(remote.getTraceState().get("shop")).isEqualTo("1");
        assertThat(Span.fromContext(Tracing.extract("00-garbage-01", null)).getSpanContext().isValid()).isFalse();
    }

    @Test
    void theMdcCarriesTheTraceIdUntilClosed() {
        SpanContext remote = Tracing.spanContext(TraceContext.of(PARENT, null).orElseThrow());

        try (Tracing.MdcScope ignored = Tracing.mdc(remote)) {
            assertThat(MDC.get(Tracing.MDC_TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
        assertThat(MDC.get(Tracing.MDC_TRACE_ID)).isNull();
    }

    @Test
    void withAnOtlpEndpointSpansAreSentOverHttp() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort();
            try (Tracing tracing = Tracing.start(TracingSettings.fromEnv(Env.of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)), "test"))) {
                tracing.tracer().spanBuilder("work").startSpan().end();
            } // closing flushes the batch

            assertThat(received).containsExactly("POST application/x-protobuf");
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void aSettingTheSdkRefusesIsAConfigurationError() {
        TracingSettings bad = new TracingSettings(Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none", "otel.traces.sampler", "sometimes"));

        assertThatThrownBy(() -> Tracing.start(bad)).isInstanceOf(ConfigException.class).hasMessageContaining("OTEL_");
    }
}
