package dev.outboxpipeline.projector.analytics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;

/**
 * What the analytics take from an event: whose activity it is and, for an {@code OrderPlaced}, the
 * order's total at placement. A watermark instead says that input partition {@code partition} has
 * seen event time {@code watermarkMs}: windows close on the lowest of all partitions' watermarks.
 * {@code lateByMs} is set on an event that came too late for its windows.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Activity(String customerId, BigDecimal placedTotal, Integer partition, Long watermarkMs,
                       Long lateByMs) {

    public static Activity change(String customerId) {
        return new Activity(customerId, null, null, null, null);
    }

    public static Activity placement(String customerId, BigDecimal total) {
        return new Activity(customerId, total, null, null, null);
    }

    public static Activity watermark(int partition, long watermarkMs) {
        return new Activity(null, null, partition, watermarkMs, null);
    }

    public Activity late(long byMs) {
        return new Activity(customerId, placedTotal, partition, watermarkMs, byMs);
    }

    @JsonIgnore
    public boolean isWatermark() {
        return watermarkMs != null;
    }

    @JsonIgnore
    public boolean isPlacement() {
        return placedTotal != null;
    }

    @JsonIgnore
    public boolean isLate() {
        return lateByMs != null;
    }
}
