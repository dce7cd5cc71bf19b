package dev.outboxpipeline.writer.snapshot;

import dev.outboxpipeline.writer.domain.Customer;
import dev.outboxpipeline.writer.domain.EventTypes;
import dev.outboxpipeline.writer.domain.LineState;
import dev.outboxpipeline.writer.domain.OrderState;
import dev.outboxpipeline.writer.domain.PurchaseOrder;
import dev.outboxpipeline.outbox.AggregateEvent;
import org.hibernate.Session;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** An aggregate type that can be snapshotted: its root table, and how its current state becomes an event. */
public enum SnapshotTarget {

    CUSTOMER(Customer.AGGREGATE_TYPE, "customer", EventTypes.CUSTOMER_SNAPSHOT, EventTypes.CUSTOMER_DELETED) {
        @Override
        List<AggregateEvent> events(Session s, List<UUID> ids) {
            return s.createSelectionQuery("from Customer where id in :ids order by id", Customer.class)
                    .setParameter("ids", ids).setReadOnly(true).getResultList().stream()
                    .map(c -> AggregateEvent.changed(snapshotType(), c, c.state()))
                    .toList();
        }
    },
    ORDER(PurchaseOrder.AGGREGATE_TYPE, "purchase_order", EventTypes.ORDER_SNAPSHOT, EventTypes.ORDER_DELETED) {
        @Override
        List<AggregateEvent> events(Session s, List<UUID> ids) {
            return s.createSelectionQuery("from PurchaseOrder o left join fetch o.lines where o.id in :ids order by o.id",
                            PurchaseOrder.class)
                    .setParameter("ids", ids).setReadOnly(true).getResultList().stream()
                    .map(o -> AggregateEvent.changed(snapshotType(), o, inLineOrder(o.state())))
                    .toList();
        }
    };

    private final String aggregateType;
    private final String table;
    private final String snapshotType;
    private final String deletedType;

    SnapshotTarget(String aggregateType, String table, String snapshotType, String deletedType) {
        this.aggregateType = aggregateType;
        this.table = table;
        this.snapshotType = snapshotType;
        this.deletedType = deletedType;
    }

    /** The snapshot events of the aggregates with these ids that still exist, in id order. */
    abstract List<AggregateEvent> events(Session s, List<UUID> ids);

    /** E.g. {@code customer}: routes to {@code outbox.event.customer}. */
    public String aggregateType() {
        return aggregateType;
    }

    String table() {
        return table;
    }

    public String snapshotType() {
        return snapshotType;
    }

    /** The type of the deletion events that {@code --reconcile} emits. */
    public String deletedType() {
        return deletedType;
    }

    // a fetch join need not keep the collection's @OrderBy: the payload lists lines by number like every other event
    private static OrderState inLineOrder(OrderState o) {
        List<LineState> lines = o.lines().stream().sorted(Comparator.comparingInt(LineState::lineNo)).toList();
        return new OrderState(o.id(), o.customerId(), o.status(), o.total(), o.version(), lines);
    }
}
