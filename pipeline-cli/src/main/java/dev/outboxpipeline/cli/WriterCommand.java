package dev.outboxpipeline.cli;

import dev.outboxpipeline.ops.RunningService;
import dev.outboxpipeline.writer.Writer;
import dev.outboxpipeline.writer.WriterSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "writer", mixinStandardHelpOptions = true,
        header = "Runs the shop service: rows and outbox events over HTTP.",
        description = {"Runs the shop service: the HTTP JSON API that writes business rows and outbox events in one"
                + " transaction, with /health and /metrics. Stops on Ctrl-C or SIGTERM.",
                "Answers at once; while the source database is unreachable, /health and the API answer 503 and the"
                        + " writer retries. Exits 2 on bad configuration, also once a late database turns out not migrated.",
                "Reads SOURCE_DB_URL/_USER/_PASSWORD, WRITER_HTTP_HOST, WRITER_HTTP_PORT,"
                        + " WRITER_OUTBOX_REMOVE_AFTER_INSERT, WRITER_OUTBOX_MODE and WRITER_DB_POOL_SIZE."},
        subcommands = {WriterLoadCommand.class, WriterPurgeCommand.class})
final class WriterCommand implements Callable<Integer> {

    @ParentCommand
    PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        WriterSettings settings = WriterSettings.fromEnv(parent.env());
        Writer writer = Writer.start(settings);
        spec.commandLine().getOut().printf("writer listening on http://%s:%d (source %s, outbox %s mode, remove-after-insert %s)%n",
                settings.httpHost(), writer.port(), settings.source().safeUrl(),
                settings.outboxMode().name().toLowerCase(Locale.ROOT), settings.removeAfterInsert() ? "on" : "off");
        spec.commandLine().getOut().flush();
        // a database that came up after start may still turn out wrong (e.g. not migrated): exit 2 then
        RunningService.runUntilStopped(writer);
        return 0;
    }
}
