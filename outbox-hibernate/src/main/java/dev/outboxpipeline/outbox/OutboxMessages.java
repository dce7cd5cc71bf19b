package dev.outboxpipeline.outbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.outboxpipeline.contract.EventHeaders;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Message mode ({@link OutboxMode#MESSAGE}): each event is a transactional logical decoding message,
 * {@code pg_logical_emit_message(true, 'outbox', content)}, written in the transaction of the change. It commits
 * or aborts with it and is decoded in commit order, but leaves no row behind.
 *
 * <p>The content is one JSON object, an outward contract (format 1):
 * <pre>
 * {"format": 1, "id": "&lt;event uuid&gt;", "type": "CustomerUpdated", "aggregateType": "customer",
 *  "aggregateId": "&lt;key&gt;", "aggregateVersion": 3, "payload": {...} or null,
 *  "traceparent": "00-…" (optional), "tracestate": "…" (optional)}
 * </pre>
 * {@code payload} is the aggregate's state as the outbox table's {@code payload} column would hold it, embedded
 * as JSON (null for a deletion); {@code traceparent}/{@code tracestate} are the W3C trace context when the
 * write carried one, absent otherwise. Readers ignore fields they do not know; a new format number means an
 * incompatible change.
 */
public final class OutboxMessages {

    /** The prefix of every outbox message; a relay filters on it (Debezium's {@code message.prefix.include.list}). */
    public static final String PREFIX = "outbox";
    public static final int FORMAT = 1;
    /** pgoutput decodes logical decoding messages from PostgreSQL 14 on; older servers would drop them silently. */
    public static final int MINIMUM_POSTGRES_MAJOR = 14;

    private static final JsonFactory JSON = new JsonFactory();

    private OutboxMessages() {
    }

    /** Emits one message per row, in order, in one round trip on the transaction's connection. */
    static void emit(Connection connection, List<OutboxRow> rows) throws SQLException {
        requireSupported(connection);
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            // one statement each, sent together: statements run in order, select-list items need not
            sql.append(i == 0 ? "" : "; ").append("SELECT pg_logical_emit_message(true, '" + PREFIX + "', ?::text)");
        }
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < rows.size(); i++) {
                ps.setString(i + 1, content(rows.get(i)));
            }
            ps.execute();
        }
    }

    /**
     * Fails unless the connection's server decodes logical messages through pgoutput (PostgreSQL 14 or newer).
     *
     * @throws IllegalStateException naming the server's version and the fix
     */
    public static void requireSupported(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        requireSupported(meta.getDatabaseMajorVersion(), meta.getDatabaseProductVersion());
    }

    static void requireSupported(int major, String version) {
        if (major < MINIMUM_POSTGRES_MAJOR) {
            throw new IllegalStateException("the outbox's message mode needs PostgreSQL " + MINIMUM_POSTGRES_MAJOR
                    + " or newer (pgoutput decodes logical decoding messages from " + MINIMUM_POSTGRES_MAJOR
                    + " on), but the source database runs " + version + ": nothing was written; use table mode"
                    + " (the outbox table) on this server, or upgrade it");
        }
    }

    /** The message content of one event, in format {@value #FORMAT}. */
    public static String content(OutboxRow row) {
        StringWriter out = new StringWriter(128 + (row.payload() == null ? 0 : row.payload().length()));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("id", row.id().toString());
            g.writeStringField("type", row.type());
            g.writeStringField("aggregateType", row.aggregateType());
            g.writeStringField("aggregateId", row.aggregateId());
            g.writeNumberField("aggregateVersion", row.version());
            g.writeFieldName("payload");
            if (row.payload() == null) {
                g.writeNull();
            } else {
                g.writeRawValue(row.payload()); // already JSON, written by the outbox's own mapper
            }
            if (row.traceContext().isPresent()) {
                g.writeStringField(EventHeaders.TRACEPARENT, row.traceContext().get().traceparent());
                if (row.traceContext().get().tracestate().isPresent()) {
                    g.writeStringField(EventHeaders.TRACESTATE, row.traceContext().get().tracestate().get());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
