package dev.outboxpipeline.db;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationsIT {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final PostgresServer server = SharedServers.postgres();

    @Test
    void freshSourceDatabaseMigratesToTheLatestVersion() throws Exception {
        JdbcSettings db = newDatabase();

        Migrations.Outcome outcome = Migrations.migrate(Database.SOURCE, db);

        assertThat(outcome.applied()).isEqualTo(migrationFiles("source").size());
        assertThat(outcome.toVersion()).isEqualTo(latestVersion("source"));
        assertThat(tables(db)).contains("customer", "purchase_order", "order_line", "outbox", "relay_heartbeat");
    }

    @Test
    void freshSinkDatabaseMigratesToTheReadModel() throws Exception {
        JdbcSettings db = newDatabase();

        Migrations.Outcome outcome = Migrations.migrate(Database.SINK, db);

        assertThat(outcome.applied()).isEqualTo(migrationFiles("sink").size());
        assertThat(tables(db)).contains("customer", "purchase_order", "order_view", "projector_offsets");
    }

    @Test
    void sinkHoldsTheAnalyticsWindowTablesWithOneRowPerWindow() throws Exception {
        JdbcSettings db = newDatabase();
        Migrations.migrate(Database.SINK, db);
        assertThat(tables(db)).contains("revenue_per_customer_minute", "orders_moving_5m", "customer_session");
        UUID customer = UUID.randomUUID();
        String window = "'" + customer + "', '2026-01-01T10:00Z', '2026-01-01T10:01Z', 2, 21.00, false, now()";

        try (Connection c = Connections.open(db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO revenue_per_customer_minute VALUES (" + window + ")");
            assertThatThrownBy(() -> s.execute("INSERT INTO revenue_per_customer_minute VALUES (" + window + ")"))
                    .hasMessageContaining("duplicate key");
            // a session that grew is another row until the superseded one is deleted
            s.execute("INSERT INTO customer_session VALUES ('" + customer + "', '2026-01-01T10:00Z', '2026-01-01T10:00Z', 1, false, now())");
            s.execute("INSERT INTO customer_session VALUES ('" + customer + "', '2026-01-01T10:00Z', '2026-01-01T10:00:20Z', 2, false, now())");
            s.execute("INSERT INTO orders_moving_5m VALUES ('2026-01-01T10:00Z', '2026-01-01T10:05Z', 7, true, now())");
        }

        assertThat(queryList(db, "SELECT count(*) FROM customer_session")).containsExactly("2");
        assertThat(queryList(db, "SELECT revenue::text FROM revenue_per_customer_minute")).containsExactly("21.00");
    }

    @Test
    void migratingTwiceIsANoOp() {
        JdbcSettings db = newDatabase();
        Migrations.Outcome first = Migrations.migrate(Database.SOURCE, db);

        Migrations.Outcome second = Migrations.migrate(Database.SOURCE, db);

        assertThat(second.applied()).isZero();
        assertThat(second.toVersion()).isEqualTo(first.toVersion());
        assertThat(second.describe("x")).contains("up to date");
    }

    @Test
    void validateFailsWhenAnAppliedMigrationIsEdited(@TempDir Path dir) throws Exception {
        for (Path file : migrationFiles("source")) {
            Files.copy(file, dir.resolve(file.getFileName()));
        }
        JdbcSettings db = newDatabase();
        Flyway flyway = Migrations.flyway(Database.SOURCE, db).locations("filesystem:" + dir).load();
        flyway.migrate();
        flyway.validate();

        Files.writeString(dir.resolve("V1__shop_tables.sql"), "\nCREATE INDEX customer_email ON customer (email);\n",
                StandardOpenOption.APPEND);

        assertThatThrownBy(flyway::validate)
                .isInstanceOf(FlywayValidateException.class)
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void upgradeFromTheFirstVersionKeepsExistingRows() throws Exception {
        JdbcSettings db = newDatabase();
        Migrations.flyway(Database.SOURCE, db).target("1").load().migrate();
        UUID customer = UUID.randomUUID();
        try (Connection c = Connections.open(db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customer (id, name, email, version) VALUES ('" + customer + "', 'Ada', 'ada@example.com', 1)");
        }

        Migrations.Outcome outcome = Migrations.migrate(Database.SOURCE, db);

        assertThat(outcome.fromVersion()).isEqualTo("1");
        assertThat(outcome.applied()).isEqualTo(migrationFiles("source").size() - 1);
        assertThat(queryList(db, "SELECT name FROM customer WHERE id = '" + customer + "'")).containsExactly("Ada");
    }

    @Test
    void publicationCoversExactlyTheOutboxAndTheHeartbeat() throws Exception {
        JdbcSettings db = newDatabase();
        Migrations.migrate(Database.SOURCE, db);

        assertThat(queryList(db, "SELECT tablename FROM pg_publication_tables WHERE pubname = 'outbox_publication'"))
                .containsExactlyInAnyOrder("outbox", "relay_heartbeat");
        assertThat(queryList(db, "SELECT pubinsert::text || pubupdate::text || pubdelete::text FROM pg_publication"
                + " WHERE pubname = 'outbox_publication'")).containsExactly("truetruefalse");
    }

    @Test
    void sourceSchemaAcceptsTheOutboxRowShapeOfTheDesign() throws Exception {
        JdbcSettings db = newDatabase();
        Migrations.migrate(Database.SOURCE, db);
        UUID updated = UUID.randomUUID();
        UUID deleted = UUID.randomUUID();

        try (Connection c = Connections.open(db);
             PreparedStatement insert = c.prepareStatement("INSERT INTO outbox"
                     + " (id, aggregatetype, aggregateid, type, payload, aggregate_version, created_at)"
                     + " VALUES (?, ?, ?, ?, ?::jsonb, ?, now())")) {
            insert.setObject(1, updated);
            insert.setString(2, "customer");
            insert.setString(3, "42");
            insert.setString(4, "CustomerUpdated");
            insert.setString(5, "{\"id\":\"42\",\"name\":\"Ada\"}");
            insert.setLong(6, 2);
            insert.executeUpdate();
            insert.setObject(1, deleted);
            insert.setString(4, "CustomerDeleted");
            insert.setString(5, null);
            insert.setLong(6, 3);
            insert.executeUpdate();
        }

        assertThat(queryList(db, "SELECT type || ':' || coalesce(payload->>'name', 'null') || ':' || aggregate_version"
                + " FROM outbox ORDER BY aggregate_version"))
                .containsExactly("CustomerUpdated:Ada:2", "CustomerDeleted:null:3");
    }

    @Test
    void unreachableDatabaseNamesTheSettingToFixAndHidesThePassword() {
        JdbcSettings wrong = JdbcSettings.of(JdbcSettings.SOURCE, "jdbc:postgresql://127.0.0.1:1/shop", "app", "hunter2");

        assertThatThrownBy(() -> Migrations.migrate(Database.SOURCE, wrong))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SOURCE_DB_URL")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void missingDatabaseSaysSo() {
        JdbcSettings missing = JdbcSettings.of(JdbcSettings.SINK, server.jdbcUrl("no_such_db"), server.user(), "hunter2");

        assertThatThrownBy(() -> Connections.check(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("SINK_DB_URL")
                .hasMessageNotContaining("hunter2");
    }

    private JdbcSettings newDatabase() {
        String url = server.createDatabase("migrations_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid());
        return JdbcSettings.of(JdbcSettings.SOURCE, url, server.user(), server.password());
    }

    /** The migration files as committed; Failsafe runs in the module directory. */
    private static List<Path> migrationFiles(String database) throws IOException {
        Path dir = Path.of("migrations", database);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
    }

    /** The highest version among the files: numbers may leave gaps. */
    private static String latestVersion(String database) throws IOException {
        return String.valueOf(migrationFiles(database).stream()
                .mapToInt(f -> Integer.parseInt(f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))).max().orElseThrow());
    }

    private static List<String> tables(JdbcSettings db) throws SQLException {
        return queryList(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    }

    private static List<String> queryList(JdbcSettings db, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = Connections.open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
