package dev.outboxpipeline.projector.sink;

import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One sink transaction: the changes past each partition's applied offset, folded to one per row,
 * written table by table, and the new applied offsets, committed together. The live sink writer and
 * the bootstrap loader both write this way, so a bootstrap hands over to a live writer exactly.
 */
final class BatchTransaction {

    private BatchTransaction() {
    }

    /** Applies and commits; returns the changes that were new (at or below an applied offset are skipped). */
    static List<Change> apply(Connection c, AppliedOffsets offsets, List<Change> changes,
                              Map<TopicPartition, Long> lastOffsets) throws SQLException {
        Map<TopicPartition, Long> applied = offsets.lock(c, lastOffsets.keySet());
        List<Change> fresh = changes.stream().filter(ch -> ch.offset() > applied.getOrDefault(ch.partition(), -1L)).toList();
        Map<TopicPartition, Long> advanced = new HashMap<>();
        lastOffsets.forEach((tp, offset) -> {
            if (offset > applied.getOrDefault(tp, -1L)) {
                advanced.put(tp, offset);
            }
        });
        Collection<Change> latest = Batches.latestPerRow(fresh);
        for (SinkTable table : SinkTable.values()) {
            table.apply(c, latest.stream().filter(ch -> ch.table() == table).toList());
        }
        if (!advanced.isEmpty()) {
            offsets.store(c, advanced);
        }
        c.commit();
        return fresh;
    }
}
