package dev.outboxpipeline.writer.load;

/**
 * What a load run does.
 *
 * @param events  stop once at least this many outbox events have committed (the last transactions of
 *                concurrent clients may add a few more)
 * @param clients concurrent clients, each running one transaction at a time
 * @param rate    transactions per second over all clients; 0 for as fast as they go
 * @param keys    the key space: at most this many customers exist at once (orders come on top)
 * @param seed    seeds the random choice of operations and keys
 */
public record LoadSpec(long events, int clients, double rate, int keys, long seed) {

    public static final int DEFAULT_KEYS = 1_000;
    public static final int MAX_CLIENTS = 256;

    public LoadSpec {
        if (events < 1) {
            throw new IllegalArgumentException("events must be at least 1, not " + events);
        }
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw new IllegalArgumentException("clients must be from 1 to " + MAX_CLIENTS + ", not " + clients);
        }
        if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be 0 (unlimited) or a positive number, not " + rate);
        }
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be at least 1, not " + keys);
        }
    }

    /** {@code events} events from {@code clients} clients, unthrottled, over {@value #DEFAULT_KEYS} customers. */
    public static LoadSpec of(long events, int clients) {
        return new LoadSpec(events, clients, 0, DEFAULT_KEYS, System.nanoTime());
    }

    public LoadSpec withRate(double transactionsPerSecond) {
        return new LoadSpec(events, clients, transactionsPerSecond, keys, seed);
    }

    public LoadSpec withKeys(int keys) {
        return new LoadSpec(events, clients, rate, keys, seed);
    }

    public LoadSpec withSeed(long seed) {
        return new LoadSpec(events, clients, rate, keys, seed);
    }
}
