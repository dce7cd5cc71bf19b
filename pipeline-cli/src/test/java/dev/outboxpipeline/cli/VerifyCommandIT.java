package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyCommandIT {

    private final PostgresServer server = SharedServers.postgres();

    @Test
    void exitsZeroWhenEqualAndOneNamingTheDifferenceOtherwise() throws Exception {
        String sourceUrl = server.createDatabase("verify_cli_source");
        String sinkUrl = server.createDatabase("verify_cli_sink");
        Migrations.migrate(Database.SOURCE, JdbcSettings.of(JdbcSettings.SOURCE, sourceUrl, server.user(), ""));
        Migrations.migrate(Database.SINK, JdbcSettings.of(JdbcSettings.SINK, sinkUrl, server.user(), ""));
        UUID id = UUID.randomUUID();
        execute(sourceUrl, "INSERT INTO customer VALUES ('" + id + "', 'Ada', 'ada@example.com', 1)");
        execute(sinkUrl, "INSERT INTO customer VALUES ('" + id + "', 'Ada', 'ada@example.com', 1, now())");
        Map<String, String> env = Map.of("SOURCE_DB_URL", sourceUrl, "SOURCE_DB_USER", server.user(),
                "SINK_DB_URL", sinkUrl, "SINK_DB_USER", server.user());

        CommandRun equal = CommandRun.of(env, "verify", "--wait", "0");
        assertThat(equal.exitCode()).as(equal.err()).isZero();
        assertThat(equal.out()).contains("EQUAL: the sink matches the source (3 tables, 1 rows)");

        execute(sinkUrl, "UPDATE customer SET email = 'ada@old.example.com'");
        CommandRun different = CommandRun.of(env, "verify", "--wait", "1s");
        assertThat(different.exitCode()).isEqualTo(1);
        assertThat(different.out()).contains("DIFFERENT: 1 difference(s)").contains(id.toString())
                .contains("email expected ada@example.com, found ada@old.example.com");
    }

    @Test
    void unreachableSinkExitsTwo() {
        CommandRun run = CommandRun.of(Map.of("SOURCE_DB_URL", server.jdbcUrl(), "SOURCE_DB_USER", server.user()),
                "verify", "--sink", "jdbc:postgresql://127.0.0.1:1/readmodel");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("SINK_DB_URL");
    }

    private void execute(String url, String sql) throws Exception {
        try (Connection c = Connections.open(JdbcSettings.of(JdbcSettings.SOURCE, url, server.user(), ""));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
