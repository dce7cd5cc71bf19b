package dev.outboxpipeline.relay;

import dev.outboxpipeline.outbox.OutboxMessages;
import dev.outboxpipeline.outbox.OutboxRow;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes outbox events the ways a source does: rows INSERTed in one transaction, one COPY (rows sharing LSNs), or
 * outbox messages (the writer's message mode) in one transaction with a business row.
 */
final class OutboxWrites {

    private OutboxWrites() {
    }

    static void insert(Connection c, List<OutboxEvent> events) throws SQLException {
        inTransaction(c, () -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, "
                    + "aggregate_version) VALUES (?, ?, ?, ?, ?::jsonb, ?)")) {
                for (OutboxEvent e : events) {
                    p.setObject(1, e.id());
                    p.setString(2, e.aggregateType());
                    p.setString(3, e.aggregateId());
                    p.setString(4, e.type());
                    p.setString(5, e.payload());
                    p.setLong(6, e.version());
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    /** One COPY in one transaction: PostgreSQL logs its rows as multi-insert records, many rows per LSN. */
    static void copy(Connection c, List<OutboxEvent> events) throws SQLException {
        StringBuilder csv = new StringBuilder();
        for (OutboxEvent e : events) {
            csv.append(e.id()).append('\t').append(e.aggregateType()).append('\t').append(e.aggregateId()).append('\t')
                    .append(e.type()).append('\t').append(e.payload().replace("\\", "\\\\")).append('\t')
                    .append(e.version()).append('\n');
        }
        try {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("COPY outbox (id, aggregatetype, aggregateid, type, payload, aggregate_version) FROM STDIN",
                    new StringReader(csv.toString()));
        } catch (java.io.IOException e) {
            throw new SQLException(e);
        }
    }

    /**
     * One transaction: a business row per event in {@code load_commit} (which also tells afterwards whether it
     * committed) and the event as an outbox message, with the content the outbox library writes.
     */
    static void emit(Connection c, List<OutboxEvent> events) throws SQLException {
        inTransaction(c, () -> {
            try (PreparedStatement business = c.prepareStatement("INSERT INTO load_commit (id) VALUES (?)");
                 PreparedStatement message = c.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?::text)")) {
                for (OutboxEvent e : events) {
                    business.setObject(1, e.id());
                    business.executeUpdate();
                    message.setString(1, OutboxMessages.PREFIX);
                    message.setString(2, content(e));
                    message.execute();
                }
            }
        });
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    /** Runs {@code work} as one transaction on {@code c}, leaving its auto-commit as it was. */
    private static void inTransaction(Connection c, SqlWork work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    static String content(OutboxEvent e) {
        return OutboxMessages.content(new OutboxRow(e.id(), e.aggregateType(), e.aggregateId(), e.type(), e.version(), e.payload()));
    }

    /** The business table of {@link #emit}: in message mode nothing else records what committed. */
    static void createBusinessTable(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS load_commit (id uuid PRIMARY KEY)");
        }
    }

    /** Whether the event's transaction committed, in either mode. */
    static boolean committed(Connection c, OutboxEvent e) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT (SELECT count(*) FROM outbox WHERE id = ?) + (SELECT count(*) FROM load_commit WHERE id = ?)")) {
            p.setObject(1, e.id());
            p.setObject(2, e.id());
            try (var rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }
}
