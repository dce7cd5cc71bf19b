package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.projector.analytics.AnalyticsCheck;
import dev.outboxpipeline.projector.analytics.AnalyticsTopics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;

@Command(name = "verify-analytics", mixinStandardHelpOptions = true,
        header = "Checks the analytics windows against the events.",
        description = {"Recomputes the tumbling and hopping windows from the OrderPlaced records of outbox.event.order",
                "(event time: source-ts-ms; events on analytics.late left out) and compares them with the sink's final",
                "windows. Windows whose placements compaction has removed are counted as not checkable.",
                "Exit 0 equal, 1 different, 2 bad configuration. Reads KAFKA_*, SINK_DB_*, PROJECTOR_TOPIC_PREFIX",
                "and the PROJECTOR_ANALYTICS_* window settings."})
final class VerifyAnalyticsCommand implements Callable<Integer> {

    private static final int SHOWN = 20;

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--sink", paramLabel = "<jdbc-url>", description = "The sink to check (default: SINK_DB_URL).")
    private String sinkUrl;

    @Override
    public Integer call() throws SQLException {
        Env env = parent.env();
        ProjectorSettings settings = ProjectorSettings.fromEnv(env);
        JdbcSettings sink = sinkUrl == null ? settings.sink()
                : JdbcSettings.of(JdbcSettings.SINK, sinkUrl, env.get("SINK_DB_USER", "postgres"), env.secret("SINK_DB_PASSWORD"));
        Connections.check(sink);
        AnalyticsCheck.Report report = new AnalyticsCheck(settings.kafka().clientConfig(),
                AnalyticsTopics.of(settings.topics()), sink, settings.analytics()).run();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("final windows equal: %d, not checkable (compacted): %d, still open: %d, different: %d%n",
                report.equal(), report.notCheckable(), report.open(), report.differences().size());
        if (report.ok()) {
            out.println("EQUAL: every checkable final window matches the recomputation.");
            return 0;
        }
        out.println("DIFFERENT. First ones:");
        report.differences().stream().limit(SHOWN).forEach(d -> out.println("  " + d));
        return PipelineCommand.CHECK_FAILED;
    }
}
