package dev.outboxpipeline.relay;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Writes outbox rows the two ways a source does: INSERTs in one transaction, or one COPY (rows sharing LSNs). */
final class OutboxWrites {

    private OutboxWrites() {
    }

    static void insert(Connection c, List<OutboxEvent> events) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
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
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
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
}
