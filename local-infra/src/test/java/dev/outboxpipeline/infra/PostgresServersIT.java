package dev.outboxpipeline.infra;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresServersIT {

    @Test
    void sharedServerHasLogicalDecodingEnabled() throws SQLException {
        PostgresServer server = SharedServers.postgres();
        assertThat(query(server.jdbcUrl(), server, "SHOW wal_level")).isEqualTo("logical");
        assertThat(Integer.parseInt(query(server.jdbcUrl(), server, "SHOW max_replication_slots"))).isGreaterThanOrEqualTo(10);
    }

    @Test
    void twoIndependentServersRunAtOnceAndRestartKeepsData() throws SQLException {
        PostgresServer shared = SharedServers.postgres();
        try (PostgresServer second = PostgresServers.start("second")) {
            assertThat(second.port()).isNotEqualTo(shared.port());
            String url = second.createDatabase("restart_check");
            execute(url, second, "CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')");

            second.restart();

            assertThat(query(url, second, "SELECT v FROM t")).isEqualTo("kept");
            assertThat(query(shared.jdbcUrl(), shared, "SELECT 1")).isEqualTo("1");
        }
    }

    // Regression (chaos): a restart while a logical replication client did not read (a paused relay) waited for its
    // WAL sender; pg_ctl gave up after 5 s, the new server could not start beside the old one, and stayed down.
    @Test
    void restartWaitsForAShutdownHeldUpByAReplicationClientThatDoesNotRead() throws Exception {
        try (PostgresServer server = PostgresServers.start("slowstop", Map.of("wal_sender_timeout", "15s"))) {
            String url = server.createDatabase("slow_stop");
            execute(url, server, "CREATE TABLE t (v text); CREATE PUBLICATION p FOR TABLE t");
            Properties props = new Properties();
            PGProperty.USER.set(props, server.user());
            PGProperty.PASSWORD.set(props, server.password());
            PGProperty.REPLICATION.set(props, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
            PGProperty.PREFER_QUERY_MODE.set(props, "simple");
            try (Connection replication = DriverManager.getConnection(url, props)) {
                PGConnection pg = replication.unwrap(PGConnection.class);
                pg.getReplicationAPI().createReplicationSlot().logical().withSlotName("stuck").withOutputPlugin("pgoutput").make();
                PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical().withSlotName("stuck")
                        .withSlotOption("proto_version", 1).withSlotOption("publication_names", "p").start();
                // more changes than the sockets buffer: the WAL sender blocks on a client that reads nothing
                execute(url, server, "INSERT INTO t SELECT repeat('x', 1000) FROM generate_series(1, 50000)");
                assertThat(stream.isClosed()).isFalse();

                server.restart();

                assertThat(query(url, server, "SELECT count(*) FROM t")).isEqualTo("50000");
            }
        }
    }

    private static void execute(String url, PostgresServer server, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(String url, PostgresServer server, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
