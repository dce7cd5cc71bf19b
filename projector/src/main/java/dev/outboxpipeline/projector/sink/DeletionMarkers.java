package dev.outboxpipeline.projector.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * {@code deleted_row} keeps each delete's version so that a replay of older changes never resurrects
 * the row. A replay can only bring such changes while the topics still hold them, that is until
 * compaction dropped them and their tombstone ({@code delete.retention.ms}); past a retention longer
 * than that, the marker protects nothing and is pruned, so the table stays bounded.
 */
public final class DeletionMarkers {

    public static final String RETENTION = "PROJECTOR_DELETION_MARKER_RETENTION";
    /** Twice the topics' default tombstone retention of 7 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(14);
    static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private DeletionMarkers() {
    }

    /** Deletes the markers older than {@code retention} and commits; returns how many. */
    static int prune(Connection c, Duration retention) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM deleted_row WHERE deleted_at < now() - make_interval(secs => ?)")) {
            s.setDouble(1, retention.toMillis() / 1000.0);
            int n = s.executeUpdate();
            c.commit();
            return n;
        }
    }
}
