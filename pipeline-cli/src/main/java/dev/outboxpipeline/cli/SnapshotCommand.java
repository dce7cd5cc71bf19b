package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.contract.TopicNames;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.writer.WriterSettings;
import dev.outboxpipeline.writer.domain.ShopDatabase;
import dev.outboxpipeline.outbox.Outbox;
import dev.outboxpipeline.writer.snapshot.SnapshotService;
import dev.outboxpipeline.writer.snapshot.SnapshotSettings;
import dev.outboxpipeline.writer.snapshot.SnapshotTarget;
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
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        header = "Publishes every aggregate's current state through the outbox.",
        description = {"Publishes the current state of every existing aggregate through the outbox (CustomerSnapshot,"
                + " OrderSnapshot, carrying the aggregate's current version), so that the compacted topics hold every"
                + " aggregate: after adopting a database with existing rows, or to heal a gap the relay refused to skip.",
                "Online: chunks of SNAPSHOT_CHUNK_SIZE in id order, each its own short transaction that share-locks its"
                        + " rows, so concurrent writes go on and commit after the snapshot of what they change."
                        + " A run that was killed resumes where it stopped; a run after a finished one starts again.",
                "Reads SOURCE_DB_URL/_USER/_PASSWORD, SNAPSHOT_CHUNK_SIZE, SNAPSHOT_CHUNK_PAUSE,"
                        + " WRITER_OUTBOX_REMOVE_AFTER_INSERT, and with --reconcile KAFKA_BOOTSTRAP_SERVERS (and KAFKA_*)."})
final class SnapshotCommand implements Callable<Integer> {

    private static final Duration PLAIN_PROGRESS = Duration.ofSeconds(5);
    private static final int IDS_SHOWN = 10;

    enum Type { customer, order, all }

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--type", defaultValue = "all", paramLabel = "customer|order|all",
            description = "Which aggregates (default ${DEFAULT-VALUE}: customers first, then orders).")
    private Type type;

    @Option(names = "--reconcile", description = "Then also delete (tombstone) each aggregate that its event topic holds"
            + " but the source no longer does, at the topic's last version + 1: heals deletes lost in a gap.")
    private boolean reconcile;

    @Override
    public Integer call() {
        Env env = parent.env();
        WriterSettings writer = WriterSettings.fromEnv(env);
        SnapshotSettings settings = SnapshotSettings.fromEnv(env);
        KafkaSettings kafka = reconcile ? KafkaSettings.fromEnv(env) : null;
        List<SnapshotTarget> targets = switch (type) {
            case customer -> List.of(SnapshotTarget.CUSTOMER);
            case order -> List.of(SnapshotTarget.ORDER);
            case all -> List.of(SnapshotTarget.CUSTOMER, SnapshotTarget.ORDER);
        };
        PrintWriter out = spec.commandLine().getOut();
        try (ShopDatabase database = ShopDatabase.open(writer.source(), 2)) {
            SnapshotService snapshot = SnapshotService.of(database.sessionFactory(),
                    Outbox.of(ServiceHttp.objectMapper(), writer.outboxOptions()), settings);
            List<SnapshotTarget> toDo = snapshot.toDo(targets);
            for (SnapshotTarget done : targets.subList(0, targets.size() - toDo.size())) {
                out.printf("%s: finished by the interrupted run; continuing with %s%n", done.aggregateType(),
                        toDo.get(0).aggregateType());
            }
            for (SnapshotTarget target : toDo) {
                publish(snapshot, target, out);
            }
            if (reconcile) {
                for (SnapshotTarget target : targets) {
                    reconcile(snapshot, target, kafka, out);
                }
            }
        }
        return 0;
    }

    private static void publish(SnapshotService snapshot, SnapshotTarget target, PrintWriter out) {
        Instant started = Instant.now();
        SnapshotService.Run run;
        if (System.console() != null) {
            try (Bar bar = new Bar()) {
                run = snapshot.publish(target, bar);
            }
        } else {
            run = snapshot.publish(target, new PlainLines(out));
        }
        double seconds = Math.max(1, Duration.between(started, Instant.now()).toMillis()) / 1000.0;
        if (run.resumed()) {
            out.printf("%s: resumed an interrupted run after id %s (%,d published before it stopped)%n",
                    target.aggregateType(), run.resumedAfter(), run.publishedBefore());
        }
        out.printf("%s: %,d %s events published in %.1f s%n", target.aggregateType(), run.published(),
                target.snapshotType(), seconds);
        out.flush();
    }

    private static void reconcile(SnapshotService snapshot, SnapshotTarget target, KafkaSettings kafka, PrintWriter out) {
        String topic = TopicNames.eventTopic(target.aggregateType());
        Optional<TopicAggregates.Content> content = TopicAggregates.read(kafka, topic);
        if (content.isEmpty()) {
            out.printf("%s: topic %s does not exist yet: nothing to reconcile%n", target.aggregateType(), topic);
            out.flush();
            return;
        }
        TopicAggregates.Content c = content.get();
        if (c.withoutVersion() > 0) {
            out.printf("warning: %,d records of %s have no aggregate-version header and were left alone%n",
                    c.withoutVersion(), topic);
        }
        List<String> deleted = snapshot.tombstoneMissing(target, c.alive());
        out.printf("%s: %s holds %,d aggregates (%,d records read); %,d no longer in the source: %s events published%s%n",
                target.aggregateType(), topic, c.alive().size(), c.recordsRead(), deleted.size(), target.deletedType(),
                deleted.isEmpty() ? "" : " for " + String.join(", ", deleted.subList(0, Math.min(IDS_SHOWN, deleted.size())))
                        + (deleted.size() > IDS_SHOWN ? ", ..." : ""));
        out.flush();
    }

    /** A progress bar per aggregate type, on a terminal. */
    private static final class Bar implements SnapshotService.Progress, AutoCloseable {
        private ProgressBar bar;

        @Override
        public void started(SnapshotTarget target, long expected) {
            bar = new ProgressBarBuilder().setTaskName(target.aggregateType()).setInitialMax(expected)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" aggregates", 1).showSpeed().build();
        }

        @Override
        public void published(SnapshotTarget target, long published) {
            if (published > bar.getMax()) {
                bar.maxHint(published); // rows created during the run
            }
            bar.stepTo(published);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** A line every few seconds, for logs and CI. */
    private static final class PlainLines implements SnapshotService.Progress {
        private final PrintWriter out;
        private Instant nextLine = Instant.now().plus(PLAIN_PROGRESS);
        private long expected;

        PlainLines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void started(SnapshotTarget target, long expected) {
            this.expected = expected;
            out.printf("%s: about %,d aggregates to publish%n", target.aggregateType(), expected);
            out.flush();
        }

        @Override
        public void published(SnapshotTarget target, long published) {
            if (Instant.now().isAfter(nextLine)) {
                out.printf("%s: %,d of about %,d published%n", target.aggregateType(), published, expected);
                out.flush();
                nextLine = Instant.now().plus(PLAIN_PROGRESS);
            }
        }
    }
}
