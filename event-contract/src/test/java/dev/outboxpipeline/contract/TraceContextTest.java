package dev.outboxpipeline.contract;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class TraceContextTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void theColumnIsPropertiesTextAsDebeziumsOutboxWritesIt() throws Exception {
        TraceContext context = TraceContext.of(PARENT, "shop=a\\b,rojo=00f067aa0ba902b7").orElseThrow();

        Properties read = new Properties();
        read.load(new StringReader(context.toColumn()));

        assertThat(read.getProperty("traceparent")).isEqualTo(PARENT);
        assertThat(read.getProperty("tracestate")).isEqualTo("shop=a\\b,rojo=00f067aa0ba902b7");
        assertThat(TraceContext.fromColumn(context.toColumn())).contains(context);
    }

    @Test
    void aColumnWithoutTracestateReadsBackWithout() {
        TraceContext context = TraceContext.fromColumn("traceparent=" + PARENT + "\n").orElseThrow();

        assertThat(context.tracestate()).isEmpty();
        assertThat(context.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void missingOrMalformedContextIsEmptyNotAnError() {
        assertThat(TraceContext.fromColumn(null)).isEmpty();
        assertThat(TraceContext.fromColumn("")).isEmpty();
        assertThat(TraceContext.fromColumn("traceparent=00-abc-01")).isEmpty();
        assertThat(TraceContext.fromColumn("traceparent=\\uZZZZ")).isEmpty();
        assertThat(TraceContext.of("00-00000000000000000000000000000000-00f067aa0ba902b7-01", null)).isEmpty();
        assertThat(TraceContext.of("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null)).isEmpty();
        assertThat(TraceContext.of(PARENT, "x".repeat(513))).contains(new TraceContext(PARENT, Optional.empty()));
    }
}
