package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WriterCommandIT {

    private final PostgresServer server = SharedServers.postgres();

    @Test
    void loadPrintsASummaryOfTransactionsEventsAndRetries() throws Exception {
        Map<String, String> env = migratedSource("cli_writer_load");

        CommandRun run = CommandRun.of(env, "writer", "load", "--events", "60", "--clients", "2", "--keys", "5", "--seed", "7");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("\\d+ transactions, \\d+ events in [\\d.]+ s: \\d+ transactions/s")
                .contains("retries after 409 (stale version):");
        assertThat(count(env, "customer")).isPositive();
        assertThat(count(env, "outbox")).as("remove-after-insert is on by default").isZero();
    }

    @Test
    void purgeRemovesOnlyRowsOlderThanTheRetention() throws Exception {
        Map<String, String> env = migratedSource("cli_writer_purge");
        env.put("WRITER_OUTBOX_REMOVE_AFTER_INSERT", "false");
        assertThat(CommandRun.of(env, "writer", "load", "--events", "20", "--clients", "1").exitCode()).isZero();
        long kept = count(env, "outbox");
        execute(env, "UPDATE outbox SET created_at = now() - interval '8 days' WHERE ctid IN (SELECT ctid FROM outbox LIMIT 5)");

        CommandRun run = CommandRun.of(env, "writer", "purge", "--older-than", "7d");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("purged 5 outbox rows older than 7d");
        assertThat(count(env, "outbox")).isEqualTo(kept - 5);
    }

    @Test
    void badSettingsAndOptionsExitTwoNamingWhatToFix() {
        Map<String, String> env = Map.of("SOURCE_DB_URL", server.jdbcUrl("postgres"), "SOURCE_DB_USER", server.user());

        assertThat(CommandRun.of(Map.of(), "writer")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("SOURCE_DB_URL is not set");
        });
        Map<String, String> badPort = new HashMap<>(env);
        badPort.put("WRITER_HTTP_PORT", "http");
        assertThat(CommandRun.of(badPort, "writer").err()).contains("WRITER_HTTP_PORT=http is not a whole number");
        Map<String, String> badSwitch = new HashMap<>(env);
        badSwitch.put("WRITER_OUTBOX_REMOVE_AFTER_INSERT", "maybe");
        assertThat(CommandRun.of(badSwitch, "writer", "load", "--events", "1")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("WRITER_OUTBOX_REMOVE_AFTER_INSERT=maybe is not a switch");
        });
        assertThat(CommandRun.of(env, "writer", "load", "--events", "0")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--events must be at least 1");
        });
        assertThat(CommandRun.of(env, "writer", "purge", "--older-than", "soon")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--older-than=soon is not a duration");
        });
        assertThat(CommandRun.of(env, "writer", "load")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--events");
        });
    }

    @Test
    void anUnmigratedSourceDatabaseExitsTwoSayingToMigrate() {
        Map<String, String> env = Map.of("SOURCE_DB_URL", server.createDatabase("cli_writer_unmigrated"),
                "SOURCE_DB_USER", server.user(), "WRITER_HTTP_PORT", "0");

        CommandRun run = CommandRun.of(env, "writer");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("does not have the shop's schema").contains("run ./pipeline migrate --target source");
    }

    @Test
    void writerCommandsPrintHelp() {
        assertThat(CommandRun.of(Map.of(), "writer", "--help").out()).contains("WRITER_HTTP_PORT").contains("load")
                .contains("purge");
        assertThat(CommandRun.of(Map.of(), "writer", "load", "--help").out()).contains("--events").contains("--clients")
                .contains("--rate").contains("--keys");
        assertThat(CommandRun.of(Map.of(), "writer", "purge", "--help").out()).contains("--older-than");
    }

    private Map<String, String> migratedSource(String name) {
        TestDatabase db = TestDatabase.source(name);
        return new HashMap<>(Map.of("SOURCE_DB_URL", db.url(), "SOURCE_DB_USER", db.settings().user(),
                "SOURCE_DB_PASSWORD", db.settings().password()));
    }

    private static TestDatabase db(Map<String, String> env) {
        return new TestDatabase(JdbcSettings.of(JdbcSettings.SOURCE, env.get("SOURCE_DB_URL"), env.get("SOURCE_DB_USER"),
                env.get("SOURCE_DB_PASSWORD")));
    }

    private static long count(Map<String, String> env, String table) {
        return db(env).count(table);
    }

    private static void execute(Map<String, String> env, String sql) {
        db(env).execute(sql);
    }
}
