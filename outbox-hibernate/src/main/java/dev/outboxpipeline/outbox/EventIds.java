package dev.outboxpipeline.outbox;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids as time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
 * New ids land at the right edge of the outbox's primary-key index instead of on random pages, which keeps
 * the insert (and the remove-after-insert delete) on a few hot pages.
 */
final class EventIds {

    private EventIds() {
    }

    static UUID next() {
        return next(System.currentTimeMillis());
    }

    static UUID next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}
