package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * One value read from a database a benchmark watches. The projector migrates its sink in the background, so a
 * table that is not there yet means "not yet", not a failure.
 */
final class SinkProbe {

    private SinkProbe() {
    }

    /** The first column of the first row; empty while a table is missing. */
    static Optional<String> text(JdbcSettings db, String sql) {
        try (Connection c = Connections.open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return Optional.ofNullable(rs.getString(1));
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw new IllegalStateException(e);
        }
    }

    /** A count; -1 while a table is missing. */
    static long count(JdbcSettings db, String sql) {
        return text(db, sql).map(Long::parseLong).orElse(-1L);
    }
}
