package dev.outboxpipeline.projector.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.outboxpipeline.contract.TraceContext;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** An order with its lines as of one source version; {@code deleted} marks a deletion. */
public record Order(String id, String customerId, String status, BigDecimal total, List<LineItem> lines,
                    long version, long sourceTsMs,
                    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deleted,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String tracestate) implements OrderFields {

    public Order {
        lines = lines == null ? null : List.copyOf(lines);
    }

    public Order(String id, String customerId, String status, BigDecimal total, List<LineItem> lines,
                 long version, long sourceTsMs, boolean deleted) {
        this(id, customerId, status, total, lines, version, sourceTsMs, deleted, null, null);
    }

    public static Order of(String id, String customerId, String status, BigDecimal total, List<LineItem> lines,
                           long version, long sourceTsMs) {
        return new Order(id, customerId, status, total, lines, version, sourceTsMs, false);
    }

    public static Order deletedAt(String id, long version, long sourceTsMs) {
        return new Order(id, null, null, null, null, version, sourceTsMs, true);
    }

    /** This row, behind which stands the write of {@code trace}. */
    public Order withTrace(Optional<TraceContext> trace) {
        return new Order(id, customerId, status, total, lines, version, sourceTsMs, deleted,
                trace.map(TraceContext::traceparent).orElse(null), trace.flatMap(TraceContext::tracestate).orElse(null));
    }
}
