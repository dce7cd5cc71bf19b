package dev.outboxpipeline.relay;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The relay will not stream, for a reason an operator must act on (a lost slot, a wrong topic, a source
 * transaction too large): {@code /health} says why, one ERROR line says it once, and the relay waits instead of
 * restarting in a loop. {@code recheck} tells whether the reason still holds; without one only a restart with
 * new settings helps.
 */
final class Refusal extends RuntimeException {

    private final transient Supplier<Optional<String>> recheck;

    Refusal(String reason, Supplier<Optional<String>> recheck) {
        super(reason, null, false, false);
        this.recheck = recheck;
    }

    static Refusal untilRestarted(String reason) {
        return new Refusal(reason, null);
    }

    boolean retryable() {
        return recheck != null;
    }

    /** The reason, if it still holds. */
    Optional<String> stillHolds() {
        return recheck == null ? Optional.of(getMessage()) : recheck.get();
    }

    /** The refusal among an engine failure's causes, if any. */
    static Optional<Refusal> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Refusal r) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
