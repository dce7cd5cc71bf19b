package dev.outboxpipeline.lab.chaos;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The sink against the source in plain SQL, a second opinion beside {@code verify}: same rows, same columns. */
final class SqlComparison {

    private static final Map<String, String> QUERIES = Map.of(
            "customer", "SELECT id, name, email, version FROM customer",
            "purchase_order", "SELECT id, customer_id, status, total, version FROM purchase_order");
    private static final int SHOWN = 20;

    private SqlComparison() {
    }

    static List<String> differences(JdbcSettings source, JdbcSettings sink) {
        List<String> found = new ArrayList<>();
        int total = 0;
        for (Map.Entry<String, String> q : new TreeMap<>(QUERIES).entrySet()) {
            Map<String, String> expected = rows(source, q.getValue());
            Map<String, String> actual = rows(sink, q.getValue());
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String a = actual.remove(e.getKey());
                if (!e.getValue().equals(a)) {
                    total++;
                    if (found.size() < SHOWN) {
                        found.add(q.getKey() + " " + e.getKey() + ": source " + e.getValue() + ", sink " + a);
                    }
                }
            }
            for (Map.Entry<String, String> extra : actual.entrySet()) {
                total++;
                if (found.size() < SHOWN) {
                    found.add(q.getKey() + " " + extra.getKey() + ": not in the source, sink " + extra.getValue());
                }
            }
        }
        if (total > found.size()) {
            found.add("... " + (total - found.size()) + " more");
        }
        return found;
    }

    private static Map<String, String> rows(JdbcSettings settings, String sql) {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = Connections.open(settings); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 2; i <= columns; i++) {
                    Object v = r.getObject(i);
                    row.append(i > 2 ? ", " : "").append(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : v);
                }
                rows.put(r.getString(1), row.toString());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read " + settings.url() + ": " + e.getMessage(), e);
        }
        return rows;
    }
}
