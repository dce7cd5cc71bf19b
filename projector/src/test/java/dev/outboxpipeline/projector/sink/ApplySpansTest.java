package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.contract.TraceContext;
import dev.outboxpipeline.ops.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ApplySpansTest {

    private static final String ADA = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String ADA_AGAIN = "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01";
    private static final String BOB = "00-5c0a3e4d6f7b8a9c0d1e2f3a4b5c6d7e-2222222222222222-01";

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
            .build();
    private final ApplySpans spans = new ApplySpans(Tracing.of(sdk));

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void aBatchOfOneTracesWritesContinuesThatTraceAndLinksEachWrite() {
        SpanData span = applied(change(ADA), change(ADA_AGAIN), change(null));

        assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(span.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
                .containsExactly("00f067aa0ba902b7", "1111111111111111");
    }

    @Test
    void aBatchOfManyTracesIsARootLinkedToEachOfThem() {
        SpanData span = applied(change(ADA), change(BOB));

        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getLinks()).extracting(l -> l.getSpanContext().getTraceId())
                .containsExactly("4bf92f3577b34da6a3ce929d0e0e4736", "5c0a3e4d6f7b8a9c0d1e2f3a4b5c6d7e");
    }

    @Test
    void logLinesWhileABatchIsAppliedCarryItsTraceId() {
        try (ApplySpans.Batch ignored = spans.open(List.of(change(ADA)))) {
            assertThat(MDC.get(Tracing.MDC_TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
        assertThat(MDC.get(Tracing.MDC_TRACE_ID)).isNull();
        assertThat(exported.getFinishedSpanItems()).hasSize(1);
    }

    @Test
    void aBatchThatFailedAndThenSucceededIsNoError() {
        try (ApplySpans.Batch batch = spans.open(List.of(change(ADA)))) {
            batch.failed("the database is gone", new IllegalStateException("gone"));
            batch.succeeded();
        }

        SpanData span = exported.getFinishedSpanItems().get(0);
        assertThat(span.getStatus().getStatusCode()).isNotEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
        assertThat(span.getEvents()).extracting(e -> e.getName()).containsExactly("exception");
    }

    @Test
    void aFailedBatchIsAnError() {
        spans.end(spans.start(List.of(change(ADA))), "applying a batch failed: the database is gone");

        assertThat(exported.getFinishedSpanItems().get(0).getStatus().getDescription()).contains("database is gone");
    }

    private SpanData applied(Change... changes) {
        spans.end(spans.start(List.of(changes)), null);
        assertThat(exported.getFinishedSpanItems()).hasSize(1);
        return exported.getFinishedSpanItems().get(0);
    }

    private static Change change(String traceparent) {
        Optional<TraceContext> trace = traceparent == null ? Optional.empty() : TraceContext.of(traceparent, null);
        return new Change(SinkTable.CUSTOMER, new TopicPartition("readmodel.customer", 0), 0, UUID.randomUUID(), 1,
                null, 0, trace);
    }
}
