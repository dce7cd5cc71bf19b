package dev.outboxpipeline.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Jepsen-style delivery check: what the source committed against what a read_committed consumer read.
 * Reports lost, duplicated and unexpected events, and aggregates whose versions arrived out of order.
 */
record History(List<String> lost, List<String> duplicated, List<String> unexpected, List<String> outOfOrder) {

    static History check(List<OutboxEvent> committed, List<ConsumedEvent> consumed) {
        Set<String> committedIds = new HashSet<>();
        committed.forEach(e -> committedIds.add(e.id().toString()));
        Map<String, Integer> seen = new HashMap<>();
        List<String> unexpected = new ArrayList<>();
        Map<String, Long> lastVersion = new HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        for (ConsumedEvent c : consumed) {
            seen.merge(c.id(), 1, Integer::sum);
            if (!committedIds.contains(c.id())) {
                unexpected.add(c.id());
            }
            Long previous = lastVersion.put(c.topic() + "/" + c.key(), c.version());
            if (previous != null && previous >= c.version()) {
                outOfOrder.add(c.key() + ": version " + c.version() + " after " + previous);
            }
        }
        List<String> lost = new ArrayList<>();
        for (String id : committedIds) {
            if (!seen.containsKey(id)) {
                lost.add(id);
            }
        }
        List<String> duplicated = new ArrayList<>();
        seen.forEach((id, n) -> {
            if (n > 1) {
                duplicated.add(id + " x" + n);
            }
        });
        return new History(lost, duplicated, unexpected, outOfOrder);
    }

    boolean clean() {
        return lost.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty() && outOfOrder.isEmpty();
    }

    @Override
    public String toString() {
        return "lost " + lost.size() + " " + head(lost) + ", duplicated " + duplicated.size() + " " + head(duplicated)
                + ", unexpected " + unexpected.size() + ", out of order " + outOfOrder.size() + " " + head(outOfOrder);
    }

    private static List<String> head(List<String> l) {
        return l.subList(0, Math.min(5, l.size()));
    }

}
