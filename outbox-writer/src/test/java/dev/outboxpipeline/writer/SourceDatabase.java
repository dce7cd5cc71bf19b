package dev.outboxpipeline.writer;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A fresh, migrated source database on the shared PostgreSQL, and plain SQL to look into it. */
public record SourceDatabase(JdbcSettings settings) {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    public static SourceDatabase migrated(String name) {
        SourceDatabase db = empty(name);
        Migrations.migrate(Database.SOURCE, db.settings());
        return db;
    }

    public static SourceDatabase empty(String name) {
        PostgresServer server = SharedServers.postgres();
        String url = server.createDatabase(name + "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet());
        return new SourceDatabase(JdbcSettings.of(JdbcSettings.SOURCE, url, server.user(), server.password()));
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Rows as column-to-value maps, in the order the query gives. */
    public List<Map<String, Object>> rows(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public long count(String table) {
        return ((Number) rows("SELECT count(*) AS n FROM " + table).get(0).get("n")).longValue();
    }
}
