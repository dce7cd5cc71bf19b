package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.relay.Relay;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition of a benchmark run, with a bound that names what did not happen. */
final class Wait {

    private static final Duration POLL = Duration.ofMillis(50);

    private Wait() {
    }

    static void until(String what, Duration patience, BooleanSupplier condition) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + patience);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** The relay has its slot and streams: from now on, what commits is in the slot. */
    static void streaming(Relay relay) {
        until("the relay to stream", Duration.ofMinutes(2), () -> relay.state() == Relay.State.STREAMING);
    }
}
