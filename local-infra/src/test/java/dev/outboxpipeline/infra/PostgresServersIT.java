package dev.outboxpipeline.infra;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

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
