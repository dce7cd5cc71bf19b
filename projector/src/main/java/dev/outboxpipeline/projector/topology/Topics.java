package dev.outboxpipeline.projector.topology;

import dev.outboxpipeline.contract.TopicNames;

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
        return new Topics(prefix + TopicNames.eventTopic(TopicNames.CUSTOMER), prefix + TopicNames.eventTopic(TopicNames.ORDER),
                prefix + TopicNames.PROJECTOR_DEAD_LETTERS, prefix + TopicNames.readModelTopic("customer"),
                prefix + TopicNames.readModelTopic("purchase_order"), prefix + TopicNames.readModelTopic("order_view"));
    }

    public List<String> events() {
        return List.of(customerEvents, orderEvents);
    }

    /** The compacted read-model change topics, in the order the sink tables are named. */
    public List<String> readModel() {
        return List.of(customerRows, purchaseOrderRows, orderViewRows);
    }
}
