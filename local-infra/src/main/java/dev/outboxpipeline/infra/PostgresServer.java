package dev.outboxpipeline.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A throwaway PostgreSQL server with {@code wal_level=logical}, stopped and deleted on close.
 * Obtain one from {@link PostgresServers#start(String)}.
 */
public interface PostgresServer extends AutoCloseable {

    /** Which engine runs the server, e.g. "embedded PostgreSQL 17.6". */
    String engine();

    String host();

    int port();

    String user();

    String password();

    /** JDBC URL of the server's default database ({@code postgres}). */
    default String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** Creates an empty database (the name must be a plain identifier) and returns its JDBC URL. */
    default String createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must be a lower-case identifier: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(), user(), password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    /** Stops the server and starts it again on the same port and data, as a crash-and-recover test needs. */
    void restart();

    @Override
    void close();
}
