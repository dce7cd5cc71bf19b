package dev.outboxpipeline.projector.sink;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Folding a batch of changes, in topic order, into one change per row. */
final class Batches {

    private Batches() {
    }

    /**
     * The change that wins for each row: the newest version, and among equal versions the later one.
     * Each change is the row's full state, so applying only this one equals applying all in order;
     * an update followed by a delete of the same key therefore ends deleted (the usual JDBC sink
     * groups upserts and deletes separately and gets this wrong).
     */
    static Collection<Change> latestPerRow(Collection<Change> inTopicOrder) {
        record Key(SinkTable table, UUID id) {
        }
        Map<Key, Change> latest = new LinkedHashMap<>();
        for (Change next : inTopicOrder) {
            latest.merge(new Key(next.table(), next.id()), next,
                    (current, candidate) -> candidate.version() >= current.version() ? candidate : current);
        }
        return latest.values();
    }
}
