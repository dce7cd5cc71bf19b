package dev.outboxpipeline.projector.topology;

import java.util.List;

/**
 * The topics the projector reads and writes. {@code prefix} is put before every name, so several
 * pipelines (or tests) can share one cluster.
 */
public record Topics(String customerEvents, String orderEvents, String deadLetters, String customerRows,
                     String purchaseOrderRows, String orderViewRows) {

    public static Topics defaults() {
        return withPrefix("");
    }

    public static Topics withPrefix(String prefix) {
        return new Topics(prefix + "outbox.event.customer", prefix + "outbox.event.order", prefix + "projector.dlq",
                prefix + "readmodel.customer", prefix + "readmodel.purchase_order", prefix + "readmodel.order_view");
    }

    public List<String> events() {
        return List.of(customerEvents, orderEvents);
    }

    /** The compacted read-model change topics, in the order the sink tables are named. */
    public List<String> readModel() {
        return List.of(customerRows, purchaseOrderRows, orderViewRows);
    }
}
