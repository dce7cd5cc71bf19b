package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.ops.RunningService;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.projector.bootstrap.Bootstrap;
import dev.outboxpipeline.projector.sink.SinkIdentity;
import dev.outboxpipeline.projector.sink.SinkWriter;
import dev.outboxpipeline.projector.topology.Topics;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        header = "Builds a new read-model store from the compacted topics.",
        description = {"Builds a brand-new read-model store by replaying the compacted readmodel.* topics from the",
                "beginning up to their end offsets at start, in large batches, recording the offsets reached.",
                "With --follow it then keeps the store in sync from exactly there until stopped (SIGTERM).",
                "Reads KAFKA_BOOTSTRAP_SERVERS (and KAFKA_*), SINK_DB_USER/_PASSWORD, PROJECTOR_TOPIC_PREFIX."})
final class BootstrapCommand implements Callable<Integer> {

    private static final Duration PLAIN_PROGRESS = Duration.ofSeconds(5);

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--sink", required = true, paramLabel = "<jdbc-url>", description = "The new, empty database to build.")
    private String sinkUrl;

    @Option(names = "--follow", description = "After the replay, keep applying new read-model changes until stopped.")
    private boolean follow;

    @Option(names = "--application-id", paramLabel = "<id>",
            description = "Key of the offsets recorded in the new store (default: bootstrap-<database>-<the store's id>); it must differ"
                    + " from the live projector's PROJECTOR_APPLICATION_ID.")
    private String applicationId;

    @Override
    public Integer call() throws InterruptedException {
        Env env = parent.env();
        JdbcSettings sink = JdbcSettings.of(JdbcSettings.SINK, sinkUrl, env.get("SINK_DB_USER", "postgres"),
                env.secret("SINK_DB_PASSWORD"));
        KafkaSettings kafka = KafkaSettings.fromEnv(env);
        Topics topics = Topics.withPrefix(env.get("PROJECTOR_TOPIC_PREFIX", ""));
        // the default is unique to the store (its identity is drawn at migration), so two follows into
        // same-named databases never share a consumer group
        String id = applicationId != null ? applicationId
                : SinkIdentity.read(sinkAfterMigration(sink)).defaultApplicationId();
        PrintWriter out = spec.commandLine().getOut();

        out.printf("Bootstrapping %s from %s (offsets recorded as '%s')%n", sink.safeUrl(), topics.readModel(), id);
        out.flush();
        Instant started = Instant.now();
        List<Bootstrap.TopicLoad> loads = Bootstrap.run(new Bootstrap.Settings(id, sink, kafka, topics),
                System.console() != null ? new Bars() : new PlainLines(out));
        long records = loads.stream().mapToLong(Bootstrap.TopicLoad::recordsRead).sum();
        double seconds = Math.max(1, Duration.between(started, Instant.now()).toMillis()) / 1000.0;
        for (Bootstrap.TopicLoad l : loads) {
            out.printf("  %-28s %,10d records read, %,10d changes applied, %,8.0f records/s%n", l.topic(),
                    l.recordsRead(), l.changesApplied(), l.recordsPerSecond());
        }
        out.printf("Bootstrapped %,d records in %.1f s (%,.0f records/s).%n", records, seconds, records / seconds);
        out.flush();
        if (!follow) {
            return 0;
        }

        SinkWriter writer = SinkWriter.start(new SinkWriter.Config(id, sink, kafka.clientConfig(), topics,
                ProjectorSettings.DEFAULT_SINK_BATCH), ServiceHttp.newRegistry());
        out.println("Following the readmodel topics from the offsets reached; SIGTERM or Ctrl-C stops.");
        out.flush();
        RunningService.runUntilStopped("bootstrap-follow", writer, new CompletableFuture<>());
        return 0;
    }

    private static JdbcSettings sinkAfterMigration(JdbcSettings sink) {
        Migrations.migrate(Database.SINK, sink);
        return sink;
    }

    /** Progress bars per topic, on a terminal. */
    private static final class Bars implements Bootstrap.Progress {
        private ProgressBar bar;

        @Override
        public void topicStarted(String topic, long offsetsToRead) {
            bar = new ProgressBarBuilder().setTaskName(topic).setInitialMax(offsetsToRead)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" offsets", 1).showSpeed().build();
        }

        @Override
        public void advanced(String topic, long recordsRead, long offsetsRead) {
            bar.stepTo(offsetsRead);
            bar.setExtraMessage(String.format("%,d records", recordsRead));
        }

        @Override
        public void topicDone(Bootstrap.TopicLoad load) {
            bar.stepTo(bar.getMax());
            bar.close();
        }

        @Override
        public void warning(String message) {
            System.err.println("warning: " + message);
        }
    }

    /** A line every few seconds, for logs and CI. */
    private static final class PlainLines implements Bootstrap.Progress {
        private final PrintWriter out;
        private Instant nextLine = Instant.now();
        private long toRead;

        PlainLines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void topicStarted(String topic, long offsetsToRead) {
            toRead = offsetsToRead;
            out.printf("  %s: %,d offsets to read%n", topic, offsetsToRead);
            out.flush();
        }

        @Override
        public void advanced(String topic, long recordsRead, long offsetsRead) {
            if (Instant.now().isAfter(nextLine)) {
                out.printf("  %s: %,d of %,d offsets (%,d records)%n", topic, offsetsRead, toRead, recordsRead);
                out.flush();
                nextLine = Instant.now().plus(PLAIN_PROGRESS);
            }
        }

        @Override
        public void topicDone(Bootstrap.TopicLoad load) {
        }

        @Override
        public void warning(String message) {
            out.println("warning: " + message);
            out.flush();
        }
    }
}
