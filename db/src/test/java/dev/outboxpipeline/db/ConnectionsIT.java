package dev.outboxpipeline.db;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which connection failures a service waits out (unreachable) and which are configuration to fix. */
class ConnectionsIT {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final PostgresServer server = SharedServers.postgres();

    /** A sink outage as an operator makes one: the database exists but takes no connections for a while. */
    @Test
    void aDatabaseNotAcceptingConnectionsIsUnreachableNotMisconfigured() throws Exception {
        String name = "closed_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        JdbcSettings db = JdbcSettings.of(JdbcSettings.SINK, server.createDatabase(name), server.user(), server.password());
        allowConnections(name, false);
        try {
            assertThatThrownBy(() -> Connections.open(db))
                    .isInstanceOf(DatabaseUnreachableException.class)
                    .hasMessageContaining("not accepting connections now");
            assertThatThrownBy(() -> Migrations.migrate(Database.SINK, db))
                    .isInstanceOf(DatabaseUnreachableException.class);
        } finally {
            allowConnections(name, true);
        }
    }

    @Test
    void aMissingDatabaseIsConfigurationToFix() {
        JdbcSettings db = JdbcSettings.of(JdbcSettings.SINK, server.jdbcUrl("no_such_db"), server.user(), server.password());

        assertThatThrownBy(() -> Connections.open(db))
                .isNotInstanceOf(DatabaseUnreachableException.class)
                .hasMessageContaining("does not exist");
    }

    private void allowConnections(String name, boolean allow) throws Exception {
        JdbcSettings admin = JdbcSettings.of(JdbcSettings.SINK, server.jdbcUrl(), server.user(), server.password());
        try (Connection c = Connections.open(admin); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + allow);
        }
    }
}
