package dev.outboxpipeline.projector.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;

/**
 * An order with its customer's current name and email (null while the customer is unknown or
 * deleted). {@code version} is the order's; {@code customerVersion} the customer's it reflects (its
 * deletion's version once deleted, so the sink's guard sees the deletion as newer). The trace context is
 * that of the later of the two writes, the one that caused this row.
 */
public record OrderView(String id, String customerId, String status, BigDecimal total, List<LineItem> lines,
                        long version, String customerName, String customerEmail, Long customerVersion,
                        long sourceTsMs, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deleted,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String tracestate)
        implements OrderFields {

    public OrderView {
        lines = lines == null ? null : List.copyOf(lines);
    }

    public OrderView(String id, String customerId, String status, BigDecimal total, List<LineItem> lines,
                     long version, String customerName, String customerEmail, Long customerVersion,
                     long sourceTsMs, boolean deleted) {
        this(id, customerId, status, total, lines, version, customerName, customerEmail, customerVersion, sourceTsMs,
                deleted, null, null);
    }

    /** The join of an order with its customer; {@code customer} is null or a deletion marker when there is none. */
    public static OrderView of(Order order, CustomerRow customer) {
        if (order.deleted()) {
            return new OrderView(order.id(), null, null, null, null, order.version(), null, null, null,
                    order.sourceTsMs(), true, order.traceparent(), order.tracestate());
        }
        boolean known = customer != null && !customer.deleted();
        // the later of the two events is the one that caused this row, which is what lag measures and traces link to
        Row cause = customer != null && customer.sourceTsMs() > order.sourceTsMs() ? customer : order;
        return new OrderView(order.id(), order.customerId(), order.status(), order.total(), order.lines(),
                order.version(), known ? customer.name() : null, known ? customer.email() : null,
                customer == null ? null : customer.version(), cause.sourceTsMs(), false, cause.traceparent(),
                cause.tracestate());
    }
}
