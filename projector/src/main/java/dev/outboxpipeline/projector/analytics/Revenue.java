package dev.outboxpipeline.projector.analytics;

import java.math.BigDecimal;

/** The running aggregate of a revenue window. */
public record Revenue(long orders, BigDecimal revenue) {

    static final Revenue NONE = new Revenue(0, BigDecimal.ZERO);

    Revenue add(BigDecimal total) {
        return new Revenue(orders + 1, revenue.add(total));
    }
}
