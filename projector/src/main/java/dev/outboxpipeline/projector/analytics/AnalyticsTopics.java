package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.contract.TopicNames;
import dev.outboxpipeline.projector.topology.Topics;

import java.util.List;

/**
 * The analytics' topics: the event topics they read, {@code analytics.late} (valid events too late
 * for their windows) and one compacted {@code readmodel.<table>} topic per window table.
 */
public record AnalyticsTopics(String customerEvents, String orderEvents, String late, String revenueRows,
                              String movingRows, String sessionRows) {

    /** Beside the read model's topics, with their prefix (derived from where the event topics are). */
    public static AnalyticsTopics of(Topics topics) {
        String customerEvents = TopicNames.eventTopic(TopicNames.CUSTOMER);
        String prefix = topics.customerEvents().substring(0, topics.customerEvents().length() - customerEvents.length());
        return new AnalyticsTopics(topics.customerEvents(), topics.orderEvents(), prefix + TopicNames.ANALYTICS_LATE,
                prefix + TopicNames.readModelTopic("revenue_per_customer_minute"),
                prefix + TopicNames.readModelTopic("orders_moving_5m"), prefix + TopicNames.readModelTopic("customer_session"));
    }

    public List<String> events() {
        return List.of(customerEvents, orderEvents);
    }

    public List<String> windowRows() {
        return List.of(revenueRows, movingRows, sessionRows);
    }
}
