package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** What the relay asks the source database outside Debezium: start checks, who holds the slot, the slot's lag. */
final class SourceDatabase {

    private final JdbcSettings settings;
    private final String slotName;
    private Connection lagConnection;

    SourceDatabase(JdbcSettings settings, String slotName) {
        this.settings = settings;
        this.slotName = slotName;
    }

    /** Fails with the fix when the database is unreachable, not logical, or lacks the publication. */
    void check(String publication) {
        try (Connection c = Connections.open(settings); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW wal_level")) {
                rs.next();
                String level = rs.getString(1);
                if (!"logical".equals(level)) {
                    throw new ConfigException("the source database at " + settings.safeUrl() + " has wal_level=" + level
                            + ": the relay needs logical decoding; set wal_level=logical in postgresql.conf and restart PostgreSQL");
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
                p.setString(1, publication);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        throw new ConfigException("the publication " + publication + " does not exist in " + settings.safeUrl()
                                + ": run ./pipeline migrate --target source (or set RELAY_PUBLICATION)");
                    }
                }
            }
        } catch (SQLException e) {
            throw new ConfigException("cannot check the source database at " + settings.safeUrl() + ": " + e.getMessage(), e);
        }
    }

    /** The server process that streams from the slot now, if another client holds it. */
    OptionalInt slotHolder() {
        try (Connection c = Connections.open(settings);
             PreparedStatement p = c.prepareStatement(
                     "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            p.setString(1, slotName);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        } catch (SQLException e) {
            return OptionalInt.empty(); // Debezium's own connection will report it
        }
    }

    /** Bytes of WAL the server keeps for the slot; empty when the slot does not exist or the server is away. */
    synchronized OptionalLong slotLagBytes() {
        try {
            if (lagConnection == null || lagConnection.isClosed()) {
                lagConnection = Connections.open(settings);
            }
            try (PreparedStatement p = lagConnection.prepareStatement(
                    "SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
                p.setString(1, slotName);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            return OptionalLong.empty();
        }
    }

    synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (lagConnection != null) {
                lagConnection.close();
            }
        } catch (SQLException ignored) {
            // going away anyway
        }
        lagConnection = null;
    }

    /** Debezium's {@code database.*} properties from the JDBC URL. */
    static Map<String, String> debeziumProperties(JdbcSettings settings) {
        URI uri = URI.create(settings.url().substring("jdbc:".length()));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("database.hostname", uri.getHost());
        p.put("database.port", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()));
        p.put("database.dbname", uri.getPath().replaceFirst("^/", ""));
        p.put("database.user", settings.user());
        p.put("database.password", settings.password());
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length == 2 && kv[0].equals("sslmode")) {
                    p.put("database.sslmode", kv[1]);
                }
            }
        }
        return p;
    }
}
