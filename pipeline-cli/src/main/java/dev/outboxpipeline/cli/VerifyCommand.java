package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Durations;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.projector.DeadLetterCount;
import dev.outboxpipeline.projector.topology.Topics;
import dev.outboxpipeline.verify.Difference;
import dev.outboxpipeline.verify.Store;
import dev.outboxpipeline.verify.StoreVerifier;
import dev.outboxpipeline.verify.TableReport;
import dev.outboxpipeline.verify.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Proves that a sink's read model equals the source.",
        description = {"Proves that a sink's read model equals the source's business rows (or another sink),",
                "key by key and field by field. Exit 0 equal, 1 different, 2 bad configuration.",
                "Source from SOURCE_DB_URL/_USER/_PASSWORD; sinks use SINK_DB_USER/_PASSWORD."})
final class VerifyCommand implements Callable<Integer> {

    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(10);

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--sink", paramLabel = "<jdbc-url>", description = "The store to check (default: SINK_DB_URL).")
    private String sinkUrl;

    @Option(names = "--against", paramLabel = "<jdbc-url>",
            description = "Compare with this other sink instead of the source database.")
    private String againstUrl;

    @Option(names = "--wait", paramLabel = "<duration>", defaultValue = "30s",
            description = "While rows differ, re-check them this long for a running pipeline to catch up (0 to answer at once). Default: ${DEFAULT-VALUE}.")
    private String wait;

    @Override
    public Integer call() {
        Env env = parent.env();
        Duration waitFor = Durations.parse("--wait", wait);
        Store actual = Store.sink(sinkSettings(env, sinkUrl == null ? env.required("SINK_DB_URL",
                "jdbc:postgresql://localhost:5432/readmodel") : sinkUrl));
        Store expected = againstUrl == null
                ? Store.source(JdbcSettings.fromEnv(env, JdbcSettings.SOURCE))
                : Store.sink(sinkSettings(env, againstUrl));
        Connections.check(expected.settings());
        Connections.check(actual.settings());

        PrintWriter out = spec.commandLine().getOut();
        out.println("Verifying " + actual.describe() + " against " + expected.describe());
        out.flush();
        VerifyReport report = new StoreVerifier(expected, actual).verify(waitFor, line -> {
            out.println(line);
            out.flush();
        });
        print(report, out);
        printDeadLetters(env, out);
        return report.equal() ? 0 : PipelineCommand.CHECK_FAILED;
    }

    /** A dead-lettered change is missing or older in the sink: the count says where to look. */
    private static void printDeadLetters(Env env, PrintWriter out) {
        Topics topics = Topics.withPrefix(env.get("PROJECTOR_TOPIC_PREFIX", ""));
        if (env.optional(KafkaSettings.BOOTSTRAP_VARIABLE).isEmpty()) {
            out.println("Dead letters in " + topics.deadLetters() + ": not counted (set KAFKA_BOOTSTRAP_SERVERS to count them)");
        } else {
            OptionalLong n = DeadLetterCount.of(KafkaSettings.fromEnv(env), topics, DEAD_LETTER_TIMEOUT);
            out.println("Dead letters in " + topics.deadLetters() + ": " + (n.isEmpty()
                    ? "unknown (Kafka did not answer within " + DEAD_LETTER_TIMEOUT.toSeconds() + " s)"
                    : n.getAsLong() + (n.getAsLong() > 0
                    ? " (a dead-lettered change shows above as a difference; the dlq-reason header says why)" : "")));
        }
        out.flush();
    }

    private static JdbcSettings sinkSettings(Env env, String url) {
        return JdbcSettings.of(JdbcSettings.SINK, url, env.get("SINK_DB_USER", "postgres"), env.secret("SINK_DB_PASSWORD"));
    }

    private static void print(VerifyReport report, PrintWriter out) {
        out.printf("%-16s %10s %10s %9s %9s %10s%n", "table", "expected", "found", "missing", "extra", "different");
        for (TableReport t : report.tables()) {
            out.printf("%-16s %10d %10d %9d %9d %10d%n", t.table(), t.expectedRows(), t.actualRows(),
                    t.missing(), t.extra(), t.different());
        }
        String checked = report.actual().kind().name().toLowerCase();
        String reference = report.expected().kind().name().toLowerCase();
        if (report.equal()) {
            out.printf("EQUAL: the %s matches the %s (%d tables, %d rows).%n", checked, reference,
                    report.tables().size(), report.rowCount());
            return;
        }
        out.printf("DIFFERENT: %d difference(s)%s. First ones:%n", report.differenceCount(),
                report.behindCount() > 0 ? ", " + report.behindCount() + " of those listed only behind (older version,"
                        + " not yet written or not yet deleted)" + (report.waited() ? " after waiting" : "") : "");
        for (TableReport t : report.tables()) {
            for (Difference d : t.differences()) {
                out.println("  " + d.describe());
            }
        }
    }
}
