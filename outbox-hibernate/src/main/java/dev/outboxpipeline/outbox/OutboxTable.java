package dev.outboxpipeline.outbox;

import dev.outboxpipeline.contract.TraceContext;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** SQL on the {@code outbox} table (column names follow Debezium's outbox defaults). */
public final class OutboxTable {

    /**
     * The outbox table's DDL inside this jar. It is the reference service's own Flyway migration, shipped as is;
     * copy it into a migration of yours under your own version number.
     */
    public static final String CREATE_TABLE_RESOURCE = "dev/outboxpipeline/outbox/V2__outbox.sql";
    /** The column the trace context came in with, a later migration of the reference service, shipped as is. */
    public static final String TRACE_CONTEXT_RESOURCE = "dev/outboxpipeline/outbox/V4__outbox_trace_context.sql";

    private static final int PURGE_CHUNK = 10_000;

    private OutboxTable() {
    }

    /**
     * The outbox table's DDL: the table and the index the purge uses ({@link #CREATE_TABLE_RESOURCE}), then its
     * trace-context column ({@link #TRACE_CONTEXT_RESOURCE}). A table made from the first alone needs the second.
     */
    public static String createTableSql() {
        return resource(CREATE_TABLE_RESOURCE) + resource(TRACE_CONTEXT_RESOURCE);
    }

    private static String resource(String name) {
        try (InputStream in = OutboxTable.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /**
     * Inserts the rows, and with {@code removeAfterInsert} deletes them again, in one statement text that
     * the PostgreSQL driver sends in a single round trip.
     */
    static void insert(Connection connection, List<OutboxRow> rows, boolean removeAfterInsert) throws SQLException {
        StringBuilder sql = new StringBuilder(
                "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, aggregate_version, "
                        + TraceContext.COLUMN + ") VALUES ");
        appendRepeated(sql, "(?, ?, ?, ?, ?::jsonb, ?, ?)", rows.size());
        if (removeAfterInsert) {
            sql.append("; DELETE FROM outbox WHERE id IN (");
            appendRepeated(sql, "?", rows.size());
            sql.append(')');
        }
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int p = 1;
            for (OutboxRow row : rows) {
                ps.setObject(p++, row.id());
                ps.setString(p++, row.aggregateType());
                ps.setString(p++, row.aggregateId());
                ps.setString(p++, row.type());
                if (row.payload() == null) {
                    ps.setNull(p++, Types.VARCHAR);
                } else {
                    ps.setString(p++, row.payload());
                }
                ps.setLong(p++, row.version());
                ps.setString(p++, row.traceContext().map(TraceContext::toColumn).orElse(null));
            }
            if (removeAfterInsert) {
                for (OutboxRow row : rows) {
                    ps.setObject(p++, row.id());
                }
            }
            ps.execute();
        }
    }

    /**
     * Deletes rows created more than {@code olderThan} ago, in chunks so that no single statement holds
     * locks for long; returns how many it deleted.
     */
    public static long purge(DataSource dataSource, Duration olderThan) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return purge(c, olderThan);
        }
    }

    /** {@link #purge(DataSource, Duration)} on a connection of the caller's (left in auto-commit mode). */
    public static long purge(Connection c, Duration olderThan) throws SQLException {
        long deleted = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
                     + " WHERE created_at < now() - make_interval(secs => ?) LIMIT " + PURGE_CHUNK + ")")) {
            c.setAutoCommit(true);
            ps.setDouble(1, olderThan.toMillis() / 1000.0);
            int n;
            do {
                n = ps.executeUpdate();
                deleted += n;
            } while (n == PURGE_CHUNK);
        }
        return deleted;
    }

    /**
     * Every event id in the table, oldest first: with remove-after-insert off, every committed event not
     * yet purged.
     */
    public static List<UUID> eventIds(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM outbox ORDER BY created_at, id");
             var rs = ps.executeQuery()) {
            List<UUID> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
            return ids;
        }
    }

    private static void appendRepeated(StringBuilder sql, String item, int times) {
        for (int i = 0; i < times; i++) {
            sql.append(i == 0 ? "" : ", ").append(item);
        }
    }
}
