package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        header = "Applies the Flyway migrations to the source or sink database.",
        description = {"Applies the Flyway migrations of db/migrations/<target> to the source or sink database.",
                "Reads SOURCE_DB_URL/_USER/_PASSWORD or SINK_DB_URL/_USER/_PASSWORD."})
final class MigrateCommand implements Callable<Integer> {

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "source|sink",
            description = "Which database to migrate: ${COMPLETION-CANDIDATES}.")
    private Database target;

    @Override
    public Integer call() {
        JdbcSettings settings = JdbcSettings.fromEnv(parent.env(), target.variablePrefix());
        Migrations.Outcome outcome = Migrations.migrate(target, settings);
        spec.commandLine().getOut().println(outcome.describe(settings.safeUrl()));
        return 0;
    }
}
