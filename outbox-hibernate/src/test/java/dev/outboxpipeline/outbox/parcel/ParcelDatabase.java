package dev.outboxpipeline.outbox.parcel;

import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.outbox.OutboxTable;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;

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

/**
 * A fresh database of the delivery service on the shared PostgreSQL: its own {@code parcel} table and the outbox
 * table from the library's DDL, with a Hibernate session factory and plain SQL to look into it.
 */
public record ParcelDatabase(String url, String user, String password, SessionFactory sessions) implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    public static ParcelDatabase create(String name) {
        PostgresServer server = SharedServers.postgres();
        String url = server.createDatabase(name + "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet());
        execute(url, server.user(), server.password(), """
                CREATE TABLE parcel (
                    id          uuid   PRIMARY KEY,
                    destination text   NOT NULL,
                    status      text   NOT NULL,
                    version     bigint NOT NULL
                );
                """ + OutboxTable.createTableSql());
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_JDBC_URL, url)
                .applySetting(AvailableSettings.JAKARTA_JDBC_USER, server.user())
                .applySetting(AvailableSettings.JAKARTA_JDBC_PASSWORD, server.password())
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "validate")
                .build();
        SessionFactory sessions = new MetadataSources(registry).addAnnotatedClass(Parcel.class).buildMetadata()
                .buildSessionFactory();
        return new ParcelDatabase(url, server.user(), server.password(), sessions);
    }

    public void execute(String sql) {
        execute(url, user, password, sql);
    }

    private static void execute(String url, String user, String password, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
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

    @Override
    public void close() {
        sessions.close();
    }
}
