package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The sink's tables as sorted text rows, field by field, to compare with {@link ShopModel}. */
public final class SinkRows {

    private final JdbcSettings sink;

    public SinkRows(JdbcSettings sink) {
        this.sink = sink;
    }

    public List<String> customers() {
        return query("SELECT id || '|' || name || '|' || email || '|' || version FROM customer ORDER BY 1");
    }

    public List<String> orders() {
        return query("SELECT id || '|' || customer_id || '|' || status || '|' || total || '|' || version"
                + " FROM purchase_order ORDER BY 1");
    }

    public List<String> orderViews() {
        return query("SELECT id || '|' || customer_id || '|' || status || '|' || version || '|'"
                + " || coalesce(customer_name, 'null') || '|' || coalesce(customer_email, 'null') FROM order_view ORDER BY 1");
    }

    public List<String> query(String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection c = Connections.open(sink); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            rows.sort(null); // Java's order, not the database collation's
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    public void execute(String sql) {
        try (Connection c = Connections.open(sink); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
