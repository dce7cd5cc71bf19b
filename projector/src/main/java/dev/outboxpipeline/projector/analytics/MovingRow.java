package dev.outboxpipeline.projector.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code orders_moving_5m}: orders placed over the whole shop in one hopping window. */
public record MovingRow(long windowStart, long windowEnd, long orders,
                        @JsonProperty("final") boolean isFinal) implements WindowRow<MovingRow> {

    @Override
    public long closesAtMs() {
        return windowEnd;
    }

    @Override
    public MovingRow asFinal() {
        return new MovingRow(windowStart, windowEnd, orders, true);
    }
}
