package dev.outboxpipeline.projector.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;

/** {@code revenue_per_customer_minute}: orders placed by a customer in a tumbling window and their total. */
public record RevenueRow(String customerId, long windowStart, long windowEnd, long orders, BigDecimal revenue,
                         @JsonProperty("final") boolean isFinal) implements WindowRow<RevenueRow> {

    @Override
    public long closesAtMs() {
        return windowEnd;
    }

    @Override
    public RevenueRow asFinal() {
        return new RevenueRow(customerId, windowStart, windowEnd, orders, revenue, true);
    }
}
