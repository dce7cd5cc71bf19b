package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.Secrets;
import dev.outboxpipeline.db.Connections;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;

/**
 * The relay's administrative connection to the source database, beside Debezium's replication stream: start checks,
 * the database's identity, the slot's state, dropping a lost slot. (The writer's tests have a {@code SourceDatabase}
 * fixture; this is not that.)
 */
final class SourceAdmin {

    /** The slot as {@code pg_replication_slots} shows it; LSNs as numbers. */
    record SlotState(String database, long confirmedFlushLsn, String walStatus, long retainedBytes, long lagBytes) {
    }

    /** JDBC URL parameters Debezium takes as {@code database.<name>}; any other goes to its driver as {@code driver.<name>}. */
    private static final Set<String> DEBEZIUM_DATABASE_PARAMETERS =
            Set.of("sslmode", "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslfactory", "tcpKeepAlive");
    /** Parameters that would change what the relay connects to behind Debezium's back. */
    private static final Set<String> REFUSED_PARAMETERS = Set.of("user", "password", "replication", "preferQueryMode");

    static final int MESSAGES_MINIMUM_VERSION_NUM = 140000;

    private final JdbcSettings settings;
    private final String slotName;
    private Connection slotConnection;

    SourceAdmin(JdbcSettings settings, String slotName) {
        this.settings = settings;
        this.slotName = slotName;
    }

    /**
     * Fails with the fix when the database is not logical or lacks the publication.
     *
     * @throws Unreachable when no server answers (the relay waits and retries)
     */
    void check(String publication, boolean decodeMessages) {
        try (Connection c = open(); Statement s = c.createStatement()) {
            if (decodeMessages) {
                try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
                    rs.next();
                    requireMessageDecoding(rs.getInt(1), rs.getString(2), settings.safeUrl());
                }
            }
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
            throw failure("cannot check the source database", e);
        }
    }

    /**
     * pgoutput decodes logical decoding messages from PostgreSQL 14 on; an older server would drop the writer's
     * message-mode events without a word. The relay cannot know which mode the writers use, so it asks the operator.
     */
    static void requireMessageDecoding(int versionNum, String version, String safeUrl) {
        if (versionNum < MESSAGES_MINIMUM_VERSION_NUM) {
            throw new ConfigException("the source database at " + safeUrl + " runs PostgreSQL " + version + ", which cannot "
                    + "decode outbox messages (WRITER_OUTBOX_MODE=message; pgoutput decodes them from PostgreSQL 14 on): if every "
                    + "writer uses the outbox table (WRITER_OUTBOX_MODE=table, the default), set " + RelaySettings.DECODE_MESSAGES
                    + "=false; otherwise upgrade PostgreSQL to 14 or newer");
        }
    }

    /** {@code IDENTIFY_SYSTEM} over a replication connection: system identifier, timeline, database. */
    DatabaseIdentity identity() {
        Properties props = credentials();
        props.setProperty("replication", "database");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "10");
        try (Connection c = connect(props); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return new DatabaseIdentity(rs.getString("systemid"), rs.getInt("timeline"), rs.getString("dbname"), slotName);
        } catch (SQLException e) {
            throw failure("cannot identify the source database", e);
        }
    }

    /** The slot, or empty when it does not exist. */
    Optional<SlotState> slot() {
        try (Connection c = open()) {
            return querySlot(c);
        } catch (SQLException e) {
            throw failure("cannot read the replication slot " + slotName, e);
        }
    }

    /** For the metrics: the slot's state on a kept connection; empty when missing or the server is away. */
    synchronized Optional<SlotState> sampleSlot() {
        try {
            if (slotConnection == null || slotConnection.isClosed()) {
                slotConnection = open();
            }
            return querySlot(slotConnection);
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            return Optional.empty();
        }
    }

    private Optional<SlotState> querySlot(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT database, (confirmed_flush_lsn - '0/0')::bigint, wal_status,"
                + " (pg_current_wal_lsn() - restart_lsn)::bigint, (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            p.setString(1, slotName);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long flushed = rs.getLong(2);
                boolean noFlush = rs.wasNull();
                long retained = rs.getLong(4);
                boolean noRetained = rs.wasNull();
                return Optional.of(new SlotState(rs.getString(1), noFlush ? -1 : flushed, rs.getString(3),
                        noRetained ? 0 : retained, rs.getLong(5)));
            }
        }
    }

    /** Bytes of WAL the server keeps for the slot beyond what the relay confirmed. */
    java.util.OptionalLong slotLagBytes() {
        return sampleSlot().map(s -> java.util.OptionalLong.of(s.lagBytes())).orElse(java.util.OptionalLong.empty());
    }

    /** The server's current WAL position, as a number. */
    long currentWalLsn() {
        try (Connection c = open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (pg_current_wal_lsn() - '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure("cannot read the WAL position", e);
        }
    }

    /** Drops an invalidated slot, so that Debezium creates it anew (only after {@code reset --accept-gap}). */
    void dropSlot() {
        try (Connection c = open(); PreparedStatement p = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            p.setString(1, slotName);
            p.execute();
        } catch (SQLException e) {
            throw failure("cannot drop the replication slot " + slotName, e);
        }
    }

    /** The server process that streams from the slot now, if another client holds it. */
    OptionalInt slotHolder() {
        try (Connection c = open();
             PreparedStatement p = c.prepareStatement(
                     "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            p.setString(1, slotName);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        } catch (SQLException | RuntimeException e) {
            return OptionalInt.empty(); // the checks that follow report it
        }
    }

    synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (slotConnection != null) {
                slotConnection.close();
            }
        } catch (SQLException ignored) {
            // going away anyway
        }
        slotConnection = null;
    }

    private Connection open() {
        return connect(credentials());
    }

    private Properties credentials() {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        props.setProperty("connectTimeout", "10");
        return props;
    }

    private Connection connect(Properties props) {
        try {
            return DriverManager.getConnection(settings.url(), props);
        } catch (SQLException e) {
            if (unreachable(e)) {
                throw new Unreachable("no PostgreSQL answers at " + settings.safeUrl() + " ("
                        + Secrets.maskInText(e.getMessage(), settings.password()) + "): the relay waits for it; start it, or fix "
                        + settings.urlVariable(), null);
            }
            return Connections.open(settings); // fails again, with the setting to fix
        }
    }

    private RuntimeException failure(String what, SQLException e) {
        if (unreachable(e)) {
            return new Unreachable(what + " at " + settings.safeUrl() + " (" + Secrets.maskInText(e.getMessage(),
                    settings.password()) + "): the relay waits for it", null);
        }
        return new ConfigException(what + " at " + settings.safeUrl() + ": "
                + Secrets.maskInText(e.getMessage(), settings.password()), null);
    }

    private static boolean unreachable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P03");
    }

    /**
     * Debezium's {@code database.*} properties from the JDBC URL. Its other parameters ({@code options},
     * {@code connectTimeout}, …) reach Debezium's JDBC driver as {@code driver.*}, so Debezium connects as the
     * relay's own checks do.
     */
    static Map<String, String> debeziumProperties(JdbcSettings settings) {
        URI uri = URI.create(settings.url().substring("jdbc:".length()));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("database.hostname", uri.getHost());
        p.put("database.port", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()));
        p.put("database.dbname", uri.getPath().replaceFirst("^/", ""));
        p.put("database.user", settings.user());
        p.put("database.password", settings.password());
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                if (name.isEmpty()) {
                    continue;
                }
                if (REFUSED_PARAMETERS.contains(name)) {
                    throw new ConfigException(settings.urlVariable() + " has the parameter " + name
                            + ", which the relay cannot pass to its replication connection: remove it (credentials go in "
                            + settings.variablePrefix() + "_USER and " + settings.variablePrefix() + "_PASSWORD)");
                }
                p.put(DEBEZIUM_DATABASE_PARAMETERS.contains(name) ? "database." + name : "driver." + name, value);
            }
        }
        return p;
    }
}
