package dev.outboxpipeline.writer.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Spaces transactions of all clients evenly to a rate; unlimited when the rate is 0. */
final class Pacer {

    private final long intervalNanos;
    private final AtomicLong nextSlot;

    private Pacer(long intervalNanos, long start) {
        this.intervalNanos = intervalNanos;
        this.nextSlot = new AtomicLong(start);
    }

    static Pacer of(double perSecond, long startNanos) {
        return new Pacer(perSecond == 0 ? 0 : (long) (1e9 / perSecond), startNanos);
    }

    /** Waits for this caller's slot. */
    void await() {
        if (intervalNanos == 0) {
            return;
        }
        long slot = nextSlot.getAndAdd(intervalNanos);
        for (long wait = slot - System.nanoTime(); wait > 0; wait = slot - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }
}
