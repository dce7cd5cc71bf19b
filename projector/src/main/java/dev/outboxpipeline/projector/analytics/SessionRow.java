package dev.outboxpipeline.projector.analytics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code customer_session}: a customer's activity session, from its first to its last change. It can
 * still grow or merge with another until an event one gap after its end could no longer be accepted.
 */
public record SessionRow(String customerId, long sessionStart, long sessionEnd, long changes,
                         @JsonProperty("final") boolean isFinal, long gapMs) implements WindowRow<SessionRow> {

    @Override
    @JsonIgnore
    public long closesAtMs() {
        return sessionEnd + gapMs;
    }

    @Override
    public SessionRow asFinal() {
        return new SessionRow(customerId, sessionStart, sessionEnd, changes, true, gapMs);
    }
}
