package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The product's command line: the services and their operations, as the image runs them. The {@code ./pipeline}
 * launcher runs the lab's command line, which adds the demo and the benchmarks to these.
 */
@Command(name = "pipeline",
        mixinStandardHelpOptions = true,
        versionProvider = PipelineCommand.Version.class,
        description = "Transactional outbox and change-data-capture pipeline on PostgreSQL, Debezium and Kafka.",
        footer = {"", "Exit codes: 0 success, 1 the check failed, 2 bad usage or configuration.",
                "Configuration comes from environment variables: see docs/configuration.md."},
        subcommands = {MigrateCommand.class, WriterCommand.class, RelayCommand.class, ProjectorCommand.class,
                BootstrapCommand.class, VerifyCommand.class, VerifyAnalyticsCommand.class, SnapshotCommand.class,
                StatusCommand.class, CommandLine.HelpCommand.class})
public final class PipelineCommand {

    public static final int CHECK_FAILED = 1;
    public static final int BAD_CONFIGURATION = 2;

    private final Env env;

    public PipelineCommand(Env env) {
        this.env = env;
    }

    public Env env() {
        return env;
    }

    /** A command line whose configuration errors exit 2 with the message alone, no stack trace. */
    public static CommandLine commandLine(Env env) {
        return configure(new CommandLine(new PipelineCommand(env)));
    }

    /** The conventions of every command, applied to {@code cl} and the subcommands it has now. */
    public static CommandLine configure(CommandLine cl) {
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(100); // one line per command in the lists, however long its name
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return BAD_CONFIGURATION;
            }
            throw e;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(Env.system()).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PipelineCommand.class.getPackage().getImplementationVersion();
            return new String[] {"outbox pipeline " + (v == null ? "(development build)" : v)};
        }
    }
}
