package dev.outboxpipeline.projector.analytics;

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
        String prefix = topics.customerEvents().substring(0, topics.customerEvents().length() - "outbox.event.customer".length());
        return new AnalyticsTopics(topics.customerEvents(), topics.orderEvents(), prefix + "analytics.late",
                prefix + "readmodel.revenue_per_customer_minute", prefix + "readmodel.orders_moving_5m",
                prefix + "readmodel.customer_session");
    }

    public List<String> events() {
        return List.of(customerEvents, orderEvents);
    }

    public List<String> windowRows() {
        return List.of(revenueRows, movingRows, sessionRows);
    }
}
