package dev.outboxpipeline.writer.snapshot;

import dev.outboxpipeline.outbox.Aggregate;
import dev.outboxpipeline.outbox.AggregateEvent;
import dev.outboxpipeline.outbox.Outbox;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Publishes the current state of every existing aggregate through the outbox ({@code ./pipeline snapshot}), and
 * the deletions that a gap lost ({@code --reconcile}). Online: chunks in id order, each in its own short
 * transaction that share-locks its rows, publishes their snapshot events and records its progress, so concurrent
 * writes go on and always commit after the snapshot of the row they change, and a killed run resumes.
 */
public final class SnapshotService {

    /** Told how far a run has come, for a progress bar. */
    public interface Progress {

        Progress NONE = new Progress() { };

        /** The run starts (or resumes) with about {@code expected} aggregates to go. */
        default void started(SnapshotTarget target, long expected) {
        }

        /** {@code published} snapshot events committed in this run so far. */
        default void published(SnapshotTarget target, long published) {
        }
    }

    /**
     * What one run did.
     *
     * @param resumedAfter    the last id a killed run had published, or null for a run from the first id
     * @param publishedBefore events that killed run had published
     * @param published       events published by this run
     */
    public record Run(SnapshotTarget target, UUID resumedAfter, long publishedBefore, long published) {

        public boolean resumed() {
            return resumedAfter != null;
        }
    }

    private final SessionFactory sessions;
    private final Outbox outbox;
    private final SnapshotSettings settings;

    private SnapshotService(SessionFactory sessions, Outbox outbox, SnapshotSettings settings) {
        this.sessions = sessions;
        this.outbox = outbox;
        this.settings = settings;
    }

    public static SnapshotService of(SessionFactory sessions, Outbox outbox, SnapshotSettings settings) {
        return new SnapshotService(sessions, outbox, settings);
    }

    /** Publishes a snapshot event for each aggregate of {@code target}, continuing a run that was killed. */
    public Run publish(SnapshotTarget target, Progress progress) {
        String type = target.aggregateType();
        requireProgressTable();
        SnapshotProgress.Position start = inTransaction(s -> s.doReturningWork(c -> SnapshotProgress.begin(c, type)));
        progress.started(target, inTransaction(s -> s.doReturningWork(c ->
                SnapshotProgress.remaining(c, target.table(), start.lastId()))));
        long published = 0;
        while (true) {
            Integer n = inTransaction(s -> chunk(s, target));
            if (n == null) {
                break;
            }
            published += n;
            progress.published(target, published);
            pause();
        }
        return new Run(target, start.lastId(), start.published(), published);
    }

    /**
     * The targets a run over {@code targets} (in that order) still has to do: all of them, unless a run over the same
     * targets was killed part-way, which then continues where it stopped instead of starting the finished ones again.
     */
    public List<SnapshotTarget> toDo(List<SnapshotTarget> targets) {
        requireProgressTable();
        for (int i = targets.size() - 1; i > 0; i--) {
            SnapshotTarget later = targets.get(i);
            SnapshotTarget earlier = targets.get(i - 1);
            if (inTransaction(s -> s.doReturningWork(c ->
                    SnapshotProgress.finishedBefore(c, earlier.aggregateType(), later.aggregateType())))) {
                return targets.subList(i, targets.size());
            }
        }
        return targets;
    }

    /** One chunk's transaction; the number of events it published, or null once the run has finished. */
    private Integer chunk(Session s, SnapshotTarget target) {
        String type = target.aggregateType();
        SnapshotProgress.Position at = s.doReturningWork(c -> SnapshotProgress.lock(c, type))
                .orElseThrow(() -> new IllegalStateException("the snapshot_progress row of " + type + " disappeared during"
                        + " the run: run ./pipeline snapshot --type " + type + " again"));
        if (at.finished()) {
            return null; // a run started beside this one took the last chunk
        }
        List<UUID> ids = s.doReturningWork(c -> SnapshotProgress.lockNext(c, target.table(), at.lastId(), settings.chunkSize()));
        List<AggregateEvent> events = ids.isEmpty() ? List.of() : target.events(s, ids);
        events.forEach(e -> outbox.record(s, e));
        boolean last = ids.size() < settings.chunkSize();
        UUID lastId = ids.isEmpty() ? null : ids.get(ids.size() - 1);
        s.doWork(c -> SnapshotProgress.advance(c, type, lastId, events.size(), last));
        return ids.isEmpty() ? null : events.size();
    }

    /**
     * Emits a deletion (a tombstone downstream) for each of {@code topicVersions}' aggregates that the source no
     * longer holds, at the topic's last version plus one, so that every version guard downstream applies it.
     * Returns the ids it deleted.
     *
     * @param topicVersions aggregate id to the version of its last record, for aggregates the topic holds alive
     */
    public List<String> tombstoneMissing(SnapshotTarget target, Map<String, Long> topicVersions) {
        List<String> ids = topicVersions.keySet().stream().filter(SnapshotService::isUuid).sorted().toList();
        List<String> deleted = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += settings.chunkSize()) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + settings.chunkSize()));
            deleted.addAll(inTransaction(s -> {
                Set<String> present = new HashSet<>(s.doReturningWork(c -> present(c, target.table(), chunk)));
                List<String> missing = chunk.stream().filter(id -> !present.contains(id)).toList();
                for (String id : missing) {
                    outbox.record(s, AggregateEvent.deleted(target.deletedType(),
                            new Vanished(target.aggregateType(), id, topicVersions.get(id))));
                }
                return missing;
            }));
        }
        return deleted;
    }

    /** An aggregate the topic still holds at {@code version} but the source no longer has. */
    private record Vanished(String aggregateType, String aggregateId, long version) implements Aggregate {
    }

    private static List<String> present(Connection c, String table, List<String> ids) throws SQLException {
        try (var ps = c.prepareStatement("SELECT id::text FROM " + table + " WHERE id = ANY (?::uuid[])")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            List<String> found = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
            return found;
        }
    }

    private static boolean isUuid(String id) {
        try {
            return UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false; // not one of the shop's aggregates: such a key went to the dead-letter topic, not the sink
        }
    }

    private void requireProgressTable() {
        inTransaction(s -> {
            s.doWork(SnapshotProgress::requireTable);
            return null;
        });
    }

    private void pause() {
        if (settings.chunkPause().isZero()) {
            return;
        }
        try {
            Thread.sleep(settings.chunkPause().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the snapshot was interrupted; it resumes where it stopped when run again", e);
        }
    }

    private <T> T inTransaction(Function<Session, T> work) {
        try (Session session = sessions.openSession()) {
            session.setDefaultReadOnly(true); // a snapshot reads aggregates; it never flushes a change to them
            Transaction tx = session.beginTransaction();
            try {
                T result = work.apply(session);
                tx.commit();
                return result;
            } catch (RuntimeException e) {
                if (tx.isActive()) {
                    tx.rollback();
                }
                throw e;
            }
        }
    }
}
