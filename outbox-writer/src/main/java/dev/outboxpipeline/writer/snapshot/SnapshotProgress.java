package dev.outboxpipeline.writer.snapshot;

import dev.outboxpipeline.config.ConfigException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL on {@code snapshot_progress} (source migration V5): one row per aggregate type, moved forward in the
 * transaction of each chunk, so what it says is exactly what has been published.
 */
final class SnapshotProgress {

    /** Where a run stands: the last id it published (null before the first chunk), and whether it finished. */
    record Position(UUID lastId, long published, boolean finished) {
    }

    private SnapshotProgress() {
    }

    /** Refuses a source database migrated before the snapshot existed, naming the command that fixes it. */
    static void requireTable(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('snapshot_progress') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new ConfigException("the source database has no snapshot_progress table, where a snapshot records"
                        + " how far it came; nothing was published: run ./pipeline migrate --target source");
            }
        }
    }

    /**
     * Starts a run of {@code type}, or continues the unfinished one (a run that was killed). Returns the position
     * to continue from: the start when the last run finished or there was none.
     */
    static Position begin(Connection c, String type) throws SQLException {
        Optional<Position> last = lock(c, type);
        if (last.isPresent() && !last.get().finished()) {
            return last.get();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO snapshot_progress (aggregate_type) VALUES (?)"
                + " ON CONFLICT (aggregate_type) DO UPDATE SET last_id = NULL, published = 0, started_at = now(),"
                + " updated_at = now(), finished_at = NULL")) {
            ps.setString(1, type);
            ps.executeUpdate();
        }
        return new Position(null, 0, false);
    }

    /**
     * The current position, its row locked until the transaction ends: chunks of two runs started at once
     * take turns instead of publishing the same aggregates twice.
     */
    static Optional<Position> lock(Connection c, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_id, published, finished_at IS NOT NULL"
                + " FROM snapshot_progress WHERE aggregate_type = ? FOR UPDATE")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Position(rs.getObject(1, UUID.class), rs.getLong(2), rs.getBoolean(3)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Whether {@code earlier}'s last run finished before {@code later}'s unfinished run started: both were then one
     * run over several types (customers, then orders) that was killed after the first.
     */
    static boolean finishedBefore(Connection c, String earlier, String later) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.finished_at <= b.started_at AND b.finished_at IS NULL"
                + " FROM snapshot_progress a, snapshot_progress b WHERE a.aggregate_type = ? AND b.aggregate_type = ?")) {
            ps.setString(1, earlier);
            ps.setString(2, later);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Records a published chunk; {@code finished} when it was the last. */
    static void advance(Connection c, String type, UUID lastId, int published, boolean finished) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE snapshot_progress SET last_id = coalesce(?, last_id),"
                + " published = published + ?, updated_at = now(), finished_at = CASE WHEN ? THEN now() END"
                + " WHERE aggregate_type = ?")) {
            ps.setObject(1, lastId);
            ps.setInt(2, published);
            ps.setBoolean(3, finished);
            ps.setString(4, type);
            ps.executeUpdate();
        }
    }

    /**
     * The ids of the next chunk after {@code after} (from the first when null), in id order, each row locked
     * {@code FOR SHARE} until the transaction ends: a concurrent update or delete of one of them waits, and so
     * commits (and is relayed) after the snapshot event, which compaction then keeps behind it.
     */
    static List<UUID> lockNext(Connection c, String table, UUID after, int limit) throws SQLException {
        String sql = "SELECT id FROM " + table + (after == null ? "" : " WHERE id > ?") + " ORDER BY id LIMIT ? FOR SHARE";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            if (after != null) {
                ps.setObject(p++, after);
            }
            ps.setInt(p, limit);
            List<UUID> ids = new ArrayList<>(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    /** How many rows are left after {@code after}: the progress bar's length (rows added meanwhile may exceed it). */
    static long remaining(Connection c, String table, UUID after) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + (after == null ? "" : " WHERE id > ?"))) {
            if (after != null) {
                ps.setObject(1, after);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
