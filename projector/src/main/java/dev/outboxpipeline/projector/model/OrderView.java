package dev.outboxpipeline.projector.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;

/**
 * An order with its customer's current name and email (null while the customer is unknown or
 * deleted). {@code version} is the order's; {@code customerVersion} the customer's it reflects (its
 * deletion's version once deleted, so the sink's guard sees the deletion as newer).
 */
public record OrderView(String id, String customerId, String status, BigDecimal total, List<LineItem> lines,
                        long version, String customerName, String customerEmail, Long customerVersion,
                        long sourceTsMs, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deleted)
        implements OrderFields {

    public OrderView {
        lines = lines == null ? null : List.copyOf(lines);
    }

    /** The join of an order with its customer; {@code customer} is null or a deletion marker when there is none. */
    public static OrderView of(Order order, CustomerRow customer) {
        if (order.deleted()) {
            return new OrderView(order.id(), null, null, null, null, order.version(), null, null, null,
                    order.sourceTsMs(), true);
        }
        boolean known = customer != null && !customer.deleted();
        // the later of the two events is the one that caused this row, which is what lag measures
        long ts = customer == null ? order.sourceTsMs() : Math.max(order.sourceTsMs(), customer.sourceTsMs());
        return new OrderView(order.id(), order.customerId(), order.status(), order.total(), order.lines(),
                order.version(), known ? customer.name() : null, known ? customer.email() : null,
                customer == null ? null : customer.version(), ts, false);
    }
}
