package dev.outboxpipeline.writer.domain;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** An order with its lines: one aggregate, published on {@code outbox.event.order}. */
@Entity
@Table(name = "purchase_order")
public class PurchaseOrder extends AggregateRoot {

    public static final String AGGREGATE_TYPE = "order";

    // the customer is another aggregate: referenced by id, never loaded with the order
    @Column(name = "customer_id", nullable = false)
    private UUID customerId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private OrderStatus status;

    @Column(nullable = false, precision = 19, scale = 2)
    private BigDecimal total;

    // fetched with the order in one query: every change publishes the full order, lines included
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "order_line", joinColumns = @JoinColumn(name = "order_id"))
    @OrderBy("lineNo")
    private List<OrderLine> lines = new ArrayList<>();

    protected PurchaseOrder() {
        // for Hibernate
    }

    private PurchaseOrder(UUID id, UUID customerId) {
        super(id);
        this.customerId = customerId;
        this.status = OrderStatus.PLACED;
    }

    public static PurchaseOrder place(UUID customerId, List<NewLine> newLines) {
        PurchaseOrder order = new PurchaseOrder(UUID.randomUUID(), customerId);
        int lineNo = 1;
        BigDecimal total = BigDecimal.ZERO;
        for (NewLine l : newLines) {
            OrderLine line = new OrderLine(lineNo++, l.sku(), l.quantity(), l.unitPrice());
            order.lines.add(line);
            total = total.add(line.amount());
        }
        order.total = total.setScale(2, RoundingMode.HALF_EVEN);
        return order;
    }

    /** Sets status and customer; returns false when both already are so (nothing to write). */
    public boolean change(OrderStatus status, UUID customerId) {
        if (this.status == status && this.customerId.equals(customerId)) {
            return false;
        }
        this.status = status;
        this.customerId = customerId;
        return true;
    }

    public UUID customerId() {
        return customerId;
    }

    @Override
    public String aggregateType() {
        return AGGREGATE_TYPE;
    }

    public OrderState state() {
        return state(version());
    }

    /** The state once the pending change of a loaded order is flushed: Hibernate adds one per change. */
    public OrderState stateAfterChange() {
        return state(version() + 1);
    }

    private OrderState state(long v) {
        return new OrderState(id(), customerId, status, total, v, lines.stream().map(OrderLine::state).toList());
    }
}
