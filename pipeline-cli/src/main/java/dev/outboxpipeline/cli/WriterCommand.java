package dev.outboxpipeline.cli;

import dev.outboxpipeline.writer.Writer;
import dev.outboxpipeline.writer.WriterSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "writer", mixinStandardHelpOptions = true,
        header = "Runs the shop service: rows and outbox events over HTTP.",
        description = {"Runs the shop service: the HTTP JSON API that writes business rows and outbox events in one"
                + " transaction, with /health and /metrics. Stops on Ctrl-C or SIGTERM.",
                "Reads SOURCE_DB_URL/_USER/_PASSWORD, WRITER_HTTP_HOST, WRITER_HTTP_PORT,"
                        + " WRITER_OUTBOX_REMOVE_AFTER_INSERT and WRITER_DB_POOL_SIZE."},
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
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            writer.close();
            stopped.countDown();
        }, "stop-writer"));
        spec.commandLine().getOut().printf("writer listening on http://%s:%d (source %s, outbox remove-after-insert %s)%n",
                settings.httpHost(), writer.port(), settings.source().safeUrl(), settings.removeAfterInsert() ? "on" : "off");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
