package dev.outboxpipeline.cli;

import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MigrateCommandIT {

    private final PostgresServer server = SharedServers.postgres();

    @Test
    void migratesTheSourceAndThenFindsItUpToDate() {
        Map<String, String> env = Map.of(
                "SOURCE_DB_URL", server.createDatabase("cli_source"),
                "SOURCE_DB_USER", server.user(),
                "SOURCE_DB_PASSWORD", server.password());

        CommandRun first = CommandRun.of(env, "migrate", "--target", "source");
        CommandRun second = CommandRun.of(env, "migrate", "--target", "source");

        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("source database at").containsPattern("migrated from version none to \\d+");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).containsPattern("up to date \\(version \\d+\\)");
    }

    @Test
    void migratesTheSink() {
        CommandRun run = CommandRun.of(Map.of("SINK_DB_URL", server.createDatabase("cli_sink"),
                "SINK_DB_USER", server.user()), "migrate", "--target", "SINK");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("sink database at");
    }

    @Test
    void unreachableUrlExitsTwoNamingTheVariableWithoutThePassword() {
        CommandRun run = CommandRun.of(Map.of(
                "SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:1/shop?password=hunter2",
                "SOURCE_DB_PASSWORD", "hunter2"), "migrate", "--target", "source");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("SOURCE_DB_URL").doesNotContain("hunter2");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingSettingOrBadTargetExitsTwo() {
        assertThat(CommandRun.of(Map.of(), "migrate", "--target", "sink"))
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(2))
                .satisfies(r -> assertThat(r.err()).contains("SINK_DB_URL is not set"));
        assertThat(CommandRun.of(Map.of(), "migrate", "--target", "elsewhere"))
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(2))
                .satisfies(r -> assertThat(r.err()).contains("--target"));
    }
}
