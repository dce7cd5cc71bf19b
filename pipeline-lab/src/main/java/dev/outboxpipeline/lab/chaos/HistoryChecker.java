package dev.outboxpipeline.lab.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Jepsen-style check of one run, from three records kept outside the code under test: the committed
 * outbox rows, what a read_committed consumer read, and the sink's audit of applied versions.
 */
public final class HistoryChecker {

    private HistoryChecker() {
    }

    public static HistoryReport check(List<CommittedEvent> committed, List<ConsumedEvent> consumed,
                                      List<AppliedChange> applied) {
        Set<String> committedIds = new HashSet<>();
        committed.forEach(e -> committedIds.add(e.id()));
        Map<String, Integer> seen = new HashMap<>();
        Examples unexpected = new Examples();
        Examples outOfOrder = new Examples();
        Map<String, ConsumedEvent> last = new HashMap<>();
        List<ConsumedEvent> inLogOrder = new ArrayList<>(consumed);
        inLogOrder.sort(Comparator.comparing(ConsumedEvent::topic).thenComparingInt(ConsumedEvent::partition)
                .thenComparingLong(ConsumedEvent::offset));
        for (ConsumedEvent c : inLogOrder) {
            seen.merge(c.id(), 1, Integer::sum);
            if (!committedIds.contains(c.id())) {
                unexpected.add(c.topic() + "/" + c.partition() + "@" + c.offset() + " id " + c.id());
            }
            ConsumedEvent previous = last.put(c.topic() + "/" + c.key(), c);
            if (previous != null && !inOrder(previous, c)) {
                outOfOrder.add(c.topic() + " key " + c.key() + ": " + c.type() + " v" + c.version() + " @" + c.offset()
                        + " after " + previous.type() + " v" + previous.version() + " @" + previous.offset());
            }
        }
        Examples lost = new Examples();
        for (CommittedEvent e : committed) {
            if (!seen.containsKey(e.id())) {
                lost.add(e.aggregateType() + " " + e.aggregateId() + " v" + e.version() + " " + e.type() + " id " + e.id());
            }
        }
        Examples duplicated = new Examples();
        seen.forEach((id, n) -> {
            if (n > 1) {
                duplicated.add(id + " x" + n);
            }
        });
        Examples regressed = regressions(applied);
        return new HistoryReport(committedIds.size(), consumed.size(), applied.size(), lost.count, lost.shown,
                duplicated.count, duplicated.shown, unexpected.count, unexpected.shown, outOfOrder.count,
                outOfOrder.shown, regressed.count, regressed.shown);
    }

    /** Versions strictly increase; a snapshot republishes the state it read, so it may repeat the version before it. */
    static boolean inOrder(ConsumedEvent previous, ConsumedEvent next) {
        return next.version() > previous.version()
                || next.version() == previous.version() && next.type() != null && next.type().endsWith("Snapshot");
    }

    /**
     * A row goes backwards when a later change carries a lower version than an earlier one, or when a row deleted
     * at version v comes back at a version not above v (a resurrection). Re-applying the same version is fine.
     */
    static Examples regressions(List<AppliedChange> applied) {
        Examples regressed = new Examples();
        Map<String, AppliedChange> last = new HashMap<>();
        List<AppliedChange> inCommitOrder = new ArrayList<>(applied);
        inCommitOrder.sort(Comparator.comparingLong(AppliedChange::seq));
        for (AppliedChange a : inCommitOrder) {
            AppliedChange previous = last.put(a.table() + "/" + a.id(), a);
            if (previous == null) {
                continue;
            }
            boolean back = a.version() < previous.version()
                    || previous.delete() && !a.delete() && a.version() <= previous.version();
            if (back) {
                regressed.add(a.table() + " " + a.id() + ": " + (a.delete() ? "delete" : "write") + " v" + a.version()
                        + " after " + (previous.delete() ? "delete" : "write") + " v" + previous.version());
            }
        }
        return regressed;
    }

    /** A count and the first few examples. */
    static final class Examples {
        long count;
        final List<String> shown = new ArrayList<>();

        void add(String example) {
            count++;
            if (shown.size() < HistoryReport.SHOWN) {
                shown.add(example);
            }
        }
    }
}
