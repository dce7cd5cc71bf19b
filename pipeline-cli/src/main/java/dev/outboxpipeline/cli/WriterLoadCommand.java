package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.outbox.OutboxListener;
import dev.outboxpipeline.writer.WriterSettings;
import dev.outboxpipeline.writer.load.LoadGenerator;
import dev.outboxpipeline.writer.load.LoadReport;
import dev.outboxpipeline.writer.load.LoadSpec;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "load", mixinStandardHelpOptions = true,
        header = "Drives the shop's operations from concurrent clients, no HTTP.",
        description = {"Drives the shop's operations directly, without HTTP, from concurrent clients: customers created,"
                + " renamed and deleted, orders placed, changed, moved and deleted. Prints transactions per second;"
                + " retries after 409 are counted.",
                "Reads SOURCE_DB_URL/_USER/_PASSWORD, WRITER_OUTBOX_REMOVE_AFTER_INSERT and WRITER_OUTBOX_MODE."})
final class WriterLoadCommand implements Callable<Integer> {

    @ParentCommand
    private WriterCommand writer;

    @Spec
    private CommandSpec spec;

    @Option(names = "--events", required = true, paramLabel = "N", description = "Stop once at least N outbox events committed.")
    private long events;

    @Option(names = "--clients", defaultValue = "4", paramLabel = "C", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "R",
            description = "Transactions per second over all clients; 0 for as fast as possible (default).")
    private double rate;

    @Option(names = "--keys", defaultValue = "" + LoadSpec.DEFAULT_KEYS, paramLabel = "K",
            description = "At most K customers at once (default ${DEFAULT-VALUE}).")
    private int keys;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random choices, to repeat a run.")
    private Long seed;

    @Override
    public Integer call() {
        WriterSettings settings = WriterSettings.fromEnv(writer.parent.env());
        LoadSpec load = spec();
        try (LoadGenerator generator = LoadGenerator.open(settings.source(), settings.outboxOptions(), load.clients(),
                OutboxListener.NONE)) {
            LoadReport report = System.console() == null
                    ? generator.run(load)
                    : withProgressBar(generator, load);
            spec.commandLine().getOut().println(report.summary());
        }
        return 0;
    }

    private LoadSpec spec() {
        try {
            LoadSpec s = LoadSpec.of(events, clients).withRate(rate).withKeys(keys);
            return seed == null ? s : s.withSeed(seed);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--" + e.getMessage());
        }
    }

    private static LoadReport withProgressBar(LoadGenerator generator, LoadSpec load) {
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("events").setInitialMax(load.events())
                .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build()) {
            LoadReport report = generator.run(load, n -> bar.stepTo(Math.min(n, load.events())));
            bar.stepTo(load.events());
            return report;
        }
    }
}
