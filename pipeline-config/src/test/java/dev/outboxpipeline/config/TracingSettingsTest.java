package dev.outboxpipeline.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TracingSettingsTest {

    @Test
    void nothingIsExportedUnlessConfigured() {
        TracingSettings s = TracingSettings.fromEnv(Env.of(Map.of()), "writer");

        assertThat(s.exportsTraces()).isFalse();
        assertThat(s.properties()).containsEntry("otel.traces.exporter", "none").containsEntry("otel.metrics.exporter", "none")
                .containsEntry("otel.logs.exporter", "none").containsEntry("otel.service.name", "writer")
                .containsEntry("otel.propagators", "tracecontext");
    }

    @Test
    void anOtlpEndpointTurnsTheOtlpExporterOn() {
        TracingSettings s = TracingSettings.fromEnv(Env.of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_SERVICE_NAME", "shop-writer")), "writer");

        assertThat(s.exportsTraces()).isTrue();
        assertThat(s.properties()).containsEntry("otel.traces.exporter", "otlp")
                .containsEntry("otel.exporter.otlp.endpoint", "http://collector:4318")
                .containsEntry("otel.exporter.otlp.protocol", "http/protobuf").containsEntry("otel.service.name", "shop-writer");
        assertThat(TracingSettings.fromEnv(Env.of(Map.of("OTEL_TRACES_EXPORTER", "otlp")), "writer").exportsTraces()).isTrue();
        assertThat(TracingSettings.fromEnv(Env.of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_TRACES_EXPORTER", "none")), "writer").exportsTraces()).as("an explicit none wins").isFalse();
    }

    @Test
    void anExporterOrProtocolThisBuildLacksIsRefusedNamingTheFix() {
        assertThatThrownBy(() -> TracingSettings.fromEnv(Env.of(Map.of("OTEL_TRACES_EXPORTER", "zipkin")), "writer"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OTEL_TRACES_EXPORTER=zipkin").hasMessageContaining("otlp");
        assertThatThrownBy(() -> TracingSettings.fromEnv(Env.of(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")), "writer"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL=grpc")
                .hasMessageContaining("http/protobuf");
    }

    @Test
    void otlpHeadersAreMaskedInDumps() {
        TracingSettings s = TracingSettings.fromEnv(Env.of(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr3t")), "writer");

        assertThat(s.toString()).doesNotContain("s3cr3t").contains("otel.exporter.otlp.headers=****");
    }
}
