package dev.outboxpipeline.projector.sink;

import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One sink transaction: the changes past each partition's applied offset, folded to one per row,
 * written table by table, and the new applied offsets, committed together. The live sink writer and
 * the bootstrap loader both write this way, so a bootstrap hands over to a live writer exactly.
 *
 * <p>A change the database rejects for its data (an overflow, a string too long, a constraint) would
 * fail every retry of its batch. The batch is then written again under savepoints, halving the failing
 * part until the rejected changes are found; those go to the dead letters, the rest is applied, and the
 * offsets advance past all of them.
 */
final class BatchTransaction {

    /** What a committed transaction did. */
    record Result(List<Change> applied, List<Rejected> rejected) {
    }

    private BatchTransaction() {
    }

    /**
     * Applies and commits; {@code undecodable} records are dead-lettered in the same step. Changes at or
     * below an applied offset are skipped. A failure that is not the data's (the database is down) is thrown.
     */
    static Result apply(Connection c, AppliedOffsets offsets, List<Change> changes, List<Rejected> undecodable,
                        Map<TopicPartition, Long> lastOffsets, DeadLetters deadLetters) throws SQLException {
        try {
            return attempt(c, offsets, changes, undecodable, lastOffsets, deadLetters, false);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            if (!RejectedByData.is(e)) {
                throw e;
            }
        }
        try {
            return attempt(c, offsets, changes, undecodable, lastOffsets, deadLetters, true);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    private static Result attempt(Connection c, AppliedOffsets offsets, List<Change> changes, List<Rejected> undecodable,
                                  Map<TopicPartition, Long> lastOffsets, DeadLetters deadLetters, boolean isolate)
            throws SQLException {
        Map<TopicPartition, Long> applied = offsets.lock(c, lastOffsets.keySet());
        List<Change> fresh = changes.stream().filter(ch -> ch.offset() > applied.getOrDefault(ch.partition(), -1L)).toList();
        Map<TopicPartition, Long> advanced = new HashMap<>();
        lastOffsets.forEach((tp, offset) -> {
            if (offset > applied.getOrDefault(tp, -1L)) {
                advanced.put(tp, offset);
            }
        });
        List<Change> latest = List.copyOf(Batches.latestPerRow(fresh));
        List<Rejected> rejected = new ArrayList<>();
        undecodable.stream().filter(r -> r.offset() > applied.getOrDefault(r.partition(), -1L)).forEach(rejected::add);
        if (isolate) {
            isolate(c, latest, rejected);
        } else {
            write(c, latest);
        }
        deadLetters.publish(rejected);
        if (!advanced.isEmpty()) {
            offsets.store(c, advanced);
        }
        c.commit();
        List<Change> rejectedChanges = new ArrayList<>();
        for (Change ch : latest) {
            if (rejected.stream().anyMatch(r -> r.partition().equals(ch.partition()) && r.offset() == ch.offset())) {
                rejectedChanges.add(ch);
            }
        }
        return new Result(fresh.stream().filter(ch -> !rejectedChanges.contains(ch)).toList(), rejected);
    }

    private static void write(Connection c, Collection<Change> latest) throws SQLException {
        for (SinkTable table : SinkTable.values()) {
            table.apply(c, latest.stream().filter(ch -> ch.table() == table).toList());
        }
    }

    /** Writes what the database takes (one change per row, so the parts are independent), collecting the rest. */
    private static void isolate(Connection c, List<Change> part, List<Rejected> rejected) throws SQLException {
        if (part.isEmpty()) {
            return;
        }
        Savepoint before = c.setSavepoint();
        try {
            write(c, part);
            c.releaseSavepoint(before);
        } catch (SQLException | RuntimeException e) {
            if (!RejectedByData.is(e)) {
                throw e;
            }
            c.rollback(before);
            if (part.size() == 1) {
                Change ch = part.get(0);
                rejected.add(new Rejected(ch.partition(), ch.offset(), RejectedByData.reason(e)));
            } else {
                isolate(c, part.subList(0, part.size() / 2), rejected);
                isolate(c, part.subList(part.size() / 2, part.size()), rejected);
            }
        }
    }
}
