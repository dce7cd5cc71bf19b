package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.projector.model.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the window topics' newest record per row to the window tables. A final row is never
 * overwritten nor deleted, so a replayed running value cannot take a closed window back.
 */
final class WindowTables {

    private static final String REVENUE = "INSERT INTO revenue_per_customer_minute AS t"
            + " (customer_id, window_start, window_end, orders, revenue, final, updated_at)"
            + " VALUES (?::uuid, ?, ?, ?, ?, ?, now()) ON CONFLICT (customer_id, window_start) DO UPDATE"
            + " SET window_end = EXCLUDED.window_end, orders = EXCLUDED.orders, revenue = EXCLUDED.revenue,"
            + " final = EXCLUDED.final, updated_at = now() WHERE NOT t.final";
    private static final String MOVING = "INSERT INTO orders_moving_5m AS t"
            + " (window_start, window_end, orders, final, updated_at) VALUES (?, ?, ?, ?, now())"
            + " ON CONFLICT (window_start) DO UPDATE SET window_end = EXCLUDED.window_end, orders = EXCLUDED.orders,"
            + " final = EXCLUDED.final, updated_at = now() WHERE NOT t.final";
    private static final String SESSION = "INSERT INTO customer_session AS t"
            + " (customer_id, session_start, session_end, changes, final, updated_at) VALUES (?::uuid, ?, ?, ?, ?, now())"
            + " ON CONFLICT (customer_id, session_start, session_end) DO UPDATE SET changes = EXCLUDED.changes,"
            + " final = EXCLUDED.final, updated_at = now() WHERE NOT t.final";
    private static final String SESSION_GONE = "DELETE FROM customer_session"
            + " WHERE customer_id = ?::uuid AND session_start = ? AND session_end = ? AND NOT final";

    private final AnalyticsTopics topics;

    WindowTables(AnalyticsTopics topics) {
        this.topics = topics;
    }

    /** {@code latest}: topic, then row key, then its newest value (null: the row is gone). */
    void write(Connection c, Map<String, Map<String, byte[]>> latest) throws SQLException {
        try (PreparedStatement revenue = c.prepareStatement(REVENUE); PreparedStatement moving = c.prepareStatement(MOVING);
             PreparedStatement session = c.prepareStatement(SESSION); PreparedStatement gone = c.prepareStatement(SESSION_GONE)) {
            for (byte[] v : values(latest, topics.revenueRows())) {
                RevenueRow r = Json.read(v, RevenueRow.class);
                revenue.setString(1, r.customerId());
                revenue.setObject(2, time(r.windowStart()));
                revenue.setObject(3, time(r.windowEnd()));
                revenue.setLong(4, r.orders());
                revenue.setBigDecimal(5, r.revenue());
                revenue.setBoolean(6, r.isFinal());
                revenue.addBatch();
            }
            for (byte[] v : values(latest, topics.movingRows())) {
                MovingRow r = Json.read(v, MovingRow.class);
                moving.setObject(1, time(r.windowStart()));
                moving.setObject(2, time(r.windowEnd()));
                moving.setLong(3, r.orders());
                moving.setBoolean(4, r.isFinal());
                moving.addBatch();
            }
            for (Map.Entry<String, byte[]> e : latest.getOrDefault(topics.sessionRows(), Map.of()).entrySet()) {
                if (e.getValue() == null) {
                    String[] id = e.getKey().split("@"); // customer@start@end
                    gone.setString(1, id[0]);
                    gone.setObject(2, time(Long.parseLong(id[1])));
                    gone.setObject(3, time(Long.parseLong(id[2])));
                    gone.addBatch();
                    continue;
                }
                SessionRow r = Json.read(e.getValue(), SessionRow.class);
                session.setString(1, r.customerId());
                session.setObject(2, time(r.sessionStart()));
                session.setObject(3, time(r.sessionEnd()));
                session.setLong(4, r.changes());
                session.setBoolean(5, r.isFinal());
                session.addBatch();
            }
            // deletions first: a merge's tombstones and the merged session are distinct rows
            gone.executeBatch();
            revenue.executeBatch();
            moving.executeBatch();
            session.executeBatch();
        }
    }

    private static Collection<byte[]> values(Map<String, Map<String, byte[]>> latest, String topic) {
        return latest.getOrDefault(topic, Map.of()).values().stream().filter(v -> v != null).toList();
    }

    private static OffsetDateTime time(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }
}
