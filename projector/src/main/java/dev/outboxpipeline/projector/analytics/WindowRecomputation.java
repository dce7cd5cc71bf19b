package dev.outboxpipeline.projector.analytics;

import org.apache.kafka.common.header.Headers;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tumbling and hopping windows recomputed from a list of placements, the way Kafka Streams
 * assigns them (epoch-aligned, start inclusive, end exclusive): the reference that {@code verify
 * --analytics} and the tests hold the sink's final windows against.
 */
public final class WindowRecomputation {

    public record Placement(String customerId, long tsMs, BigDecimal total) {
    }

    public record CustomerWindow(String customerId, long windowStart) implements Comparable<CustomerWindow> {
        @Override
        public int compareTo(CustomerWindow o) {
            int c = customerId.compareTo(o.customerId);
            return c != 0 ? c : Long.compare(windowStart, o.windowStart);
        }
    }

    private WindowRecomputation() {
    }

    /** The placement an order event records, if it is an {@code OrderPlaced} the analytics can read. */
    public static Optional<Placement> placement(byte[] value, Headers headers, long tsMs) {
        Activity a = ActivityParser.order(value, headers);
        return a == null || !a.isPlacement() ? Optional.empty() : Optional.of(new Placement(a.customerId(), tsMs, a.placedTotal()));
    }

    public static Map<CustomerWindow, Revenue> revenue(Collection<Placement> placements, Duration window) {
        long size = window.toMillis();
        Map<CustomerWindow, Revenue> windows = new TreeMap<>();
        for (Placement p : placements) {
            windows.merge(new CustomerWindow(p.customerId(), p.tsMs() - Math.floorMod(p.tsMs(), size)),
                    Revenue.NONE.add(p.total()), (a, b) -> new Revenue(a.orders() + b.orders(), a.revenue().add(b.revenue())));
        }
        return windows;
    }

    /** Orders per hopping window, by window start. */
    public static Map<Long, Long> moving(Collection<Placement> placements, Duration window, Duration advance) {
        long size = window.toMillis();
        long step = advance.toMillis();
        Map<Long, Long> windows = new TreeMap<>();
        for (Placement p : placements) {
            long last = p.tsMs() - Math.floorMod(p.tsMs(), step);
            for (long start = last; start > p.tsMs() - size && start >= 0; start -= step) {
                windows.merge(start, 1L, Long::sum);
            }
        }
        return windows;
    }
}
