package dev.outboxpipeline.outbox.parcel;

import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.outbox.OutboxTable;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * A fresh database of the delivery service on the shared PostgreSQL: its own {@code parcel} table and the outbox
 * table from the library's DDL, with a Hibernate session factory and plain SQL to look into it.
 */
public record ParcelDatabase(TestDatabase db, SessionFactory sessions) implements AutoCloseable {

    public static ParcelDatabase create(String name) {
        TestDatabase db = TestDatabase.empty(name);
        db.execute("""
                CREATE TABLE parcel (
                    id          uuid   PRIMARY KEY,
                    destination text   NOT NULL,
                    status      text   NOT NULL,
                    version     bigint NOT NULL
                );
                """ + OutboxTable.createTableSql());
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_JDBC_URL, db.url())
                .applySetting(AvailableSettings.JAKARTA_JDBC_USER, db.settings().user())
                .applySetting(AvailableSettings.JAKARTA_JDBC_PASSWORD, db.settings().password())
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "validate")
                .build();
        SessionFactory sessions = new MetadataSources(registry).addAnnotatedClass(Parcel.class).buildMetadata()
                .buildSessionFactory();
        return new ParcelDatabase(db, sessions);
    }

    public void execute(String sql) {
        db.execute(sql);
    }

    public Connection connect() {
        return db.connect();
    }

    /** Rows as column-to-value maps, in the order the query gives. */
    public List<Map<String, Object>> rows(String sql) {
        return db.rows(sql);
    }

    public long count(String table) {
        return db.count(table);
    }

    @Override
    public void close() {
        sessions.close();
    }
}
