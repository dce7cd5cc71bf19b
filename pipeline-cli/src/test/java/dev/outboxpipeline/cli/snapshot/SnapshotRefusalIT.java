package dev.outboxpipeline.cli.snapshot;

import dev.outboxpipeline.cli.PipelineCommand;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotRefusalIT {

    private final PostgresServer server = SharedServers.postgres();

    // a source migrated by an older release has the shop's tables but nowhere to record a snapshot's progress
    @Test
    void aSourceWithoutTheProgressTableExitsTwoNamingTheMigration() throws Exception {
        String url = server.createDatabase("snapshot_unmigrated");
        JdbcSettings source = JdbcSettings.of(JdbcSettings.SOURCE, url, server.user(), server.password());
        Migrations.migrate(Database.SOURCE, source);
        try (Connection c = Connections.open(source)) {
            c.createStatement().execute("DROP TABLE snapshot_progress");
        }
        StringWriter err = new StringWriter();
        CommandLine cl = PipelineCommand.commandLine(Env.of(Map.of("SOURCE_DB_URL", url, "SOURCE_DB_USER", server.user(),
                "SOURCE_DB_PASSWORD", server.password())));
        cl.setErr(new PrintWriter(err, true));

        int exit = cl.execute("snapshot");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no snapshot_progress table").contains("nothing was published")
                .contains("./pipeline migrate --target source");
    }

    @Test
    void anUnknownTypeExitsTwo() {
        CommandLine cl = PipelineCommand.commandLine(Env.of(Map.of()));
        cl.setErr(new PrintWriter(new StringWriter(), true));

        assertThat(cl.execute("snapshot", "--type", "invoice")).isEqualTo(2);
    }
}
