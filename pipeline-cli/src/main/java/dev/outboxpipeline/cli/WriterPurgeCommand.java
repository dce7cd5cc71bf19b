package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Durations;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.outbox.OutboxTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "purge", mixinStandardHelpOptions = true,
        header = "Deletes outbox rows older than a retention period.",
        description = {"Deletes outbox rows older than a retention period. Needed only when"
                + " WRITER_OUTBOX_REMOVE_AFTER_INSERT=false keeps the rows; run it from cron or a scheduler.",
                "Keep the retention longer than the relay can lag behind: the relay reads the write-ahead log, not"
                        + " the table, so purged rows are still delivered; the table is for inspection and audits.",
                "Reads SOURCE_DB_URL/_USER/_PASSWORD."})
final class WriterPurgeCommand implements Callable<Integer> {

    @ParentCommand
    private WriterCommand writer;

    @Spec
    private CommandSpec spec;

    @Option(names = "--older-than", required = true, paramLabel = "DURATION",
            description = "Retention: delete rows created longer ago than this, e.g. 7d, 12h, 30m, PT1H.")
    private String olderThan;

    @Override
    public Integer call() {
        JdbcSettings source = JdbcSettings.fromEnv(writer.parent.env(), JdbcSettings.SOURCE);
        Duration retention = Durations.parse("--older-than", olderThan);
        try (Connection c = Connections.open(source)) {
            long deleted = OutboxTable.purge(c, retention);
            spec.commandLine().getOut().printf("purged %d outbox row%s older than %s from %s%n", deleted,
                    deleted == 1 ? "" : "s", olderThan, source.safeUrl());
            return 0;
        } catch (SQLException e) {
            throw new ConfigException("purging the outbox at " + source.safeUrl() + " failed: " + e.getMessage()
                    + " (is the source database migrated? run ./pipeline migrate --target source)", e);
        }
    }
}
