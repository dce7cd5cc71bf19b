package dev.outboxpipeline.cli;

import dev.outboxpipeline.cli.bench.BenchCommand;
import dev.outboxpipeline.cli.demo.DemoCommand;
import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pipeline <command>}: one launcher for every part of the pipeline. */
@Command(name = "pipeline",
        mixinStandardHelpOptions = true,
        versionProvider = PipelineCommand.Version.class,
        description = "Transactional outbox and change-data-capture pipeline on PostgreSQL, Debezium and Kafka.",
        footer = {"", "Exit codes: 0 success, 1 the check failed, 2 bad usage or configuration.",
                "Configuration comes from environment variables: see the README's table."},
        subcommands = {DemoCommand.class, MigrateCommand.class, WriterCommand.class, RelayCommand.class, ProjectorCommand.class,
                BootstrapCommand.class, VerifyCommand.class, VerifyAnalyticsCommand.class, StatusCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
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
        CommandLine cl = new CommandLine(new PipelineCommand(env));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
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
