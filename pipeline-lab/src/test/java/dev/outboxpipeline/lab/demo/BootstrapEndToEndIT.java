package dev.outboxpipeline.lab.demo;

import dev.outboxpipeline.cli.PipelineCommand;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.verify.Store;
import dev.outboxpipeline.verify.StoreVerifier;
import dev.outboxpipeline.verify.VerifyReport;
import dev.outboxpipeline.writer.load.LoadGenerator;
import dev.outboxpipeline.writer.load.LoadSpec;
import dev.outboxpipeline.outbox.OutboxOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Promise 6: a new store rebuilt from the compacted topics equals the source, and can follow live. */
class BootstrapEndToEndIT {

    /** A cleaner that compacts within seconds, so the test proves it replays a compacted topic. */
    private static final Map<String, String> EAGER_COMPACTION = Map.of(
            "log.roll.ms", "1000",
            "log.cleaner.backoff.ms", "200",
            "log.cleaner.min.cleanable.ratio", "0.01",
            "log.cleaner.min.compaction.lag.ms", "0",
            "log.segment.delete.delay.ms", "100");

    private static LocalPipeline pipeline;
    private static final AtomicLong customerEvents = new AtomicLong();

    @BeforeAll
    static void writeManyUpdatesPerKeyAndDeletes() {
        pipeline = LocalPipeline.start(line -> { }, EAGER_COMPACTION);
        try (LoadGenerator load = LoadGenerator.open(pipeline.sourceSettings(), OutboxOptions.removingRows(), 3,
                rows -> rows.forEach(r -> {
                    if (r.aggregateType().equals("customer")) {
                        customerEvents.incrementAndGet();
                    }
                }))) {
            load.run(LoadSpec.of(3_000, 3).withKeys(25));
        }
        assertThat(verify(pipeline.sinkSettings(), Duration.ofMinutes(3)).equal()).isTrue();
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void rebuildsAFreshStoreFromTheCompactedTopicsEqualToTheSource() {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(recordsIn("readmodel.customer")).as("records left in readmodel.customer after compaction")
                        .isLessThan(customerEvents.get()));

        String url = newSink("rebuilt");
        Result r = run("bootstrap", "--sink", url);

        assertThat(r.exit).as(r.out + r.err).isZero();
        assertThat(r.out).contains("Bootstrapped").contains("readmodel.order_view");
        VerifyReport report = verify(sink(url), Duration.ZERO);
        assertThat(report.equal()).as("%s", report).isTrue();
        assertThat(report.rowCount()).isPositive();
    }

    @Test
    void refusesAStoreThatIsNotEmpty() {
        Result r = run("bootstrap", "--sink", pipeline.sinkSettings().url());

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("is not empty").contains("brand-new store");
    }

    @Test
    void followsLiveAfterTheReplayWithNoGapAndEndsEqualToTheSource() throws Exception {
        String url = newSink("followed");
        AtomicLong extra = new AtomicLong();
        CompletableFuture<Void> moreLoad = CompletableFuture.runAsync(() -> {
            try (LoadGenerator load = LoadGenerator.open(pipeline.sourceSettings(), OutboxOptions.removingRows(), 2,
                    rows -> extra.addAndGet(rows.size()))) {
                load.run(LoadSpec.of(1_500, 2).withKeys(25).withRate(100).withSeed(7));
            }
        });
        Path output = Files.createTempFile("bootstrap-follow", ".log");
        Process follow = followInChildJvm(url, output);
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(Files.readString(output)).as("the follower's output").contains("Following the readmodel topics"));
            moreLoad.get();
            assertThat(extra.get()).isGreaterThanOrEqualTo(1_500);
            VerifyReport report = verify(sink(url), Duration.ofMinutes(3));
            assertThat(report.equal()).as("%s", report).isTrue();
        } finally {
            follow.destroy(); // SIGTERM: the follower stops gracefully
        }
    }

    /** {@code bootstrap --follow} blocks until SIGTERM, so it runs as its own process, as a user runs it. */
    private static Process followInChildJvm(String url, Path output) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PipelineCommand.class.getName(),
                "bootstrap", "--sink", url, "--follow");
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", pipeline.kafkaBootstrap());
        pb.environment().put("SINK_DB_USER", pipeline.sinkSettings().user());
        pb.redirectErrorStream(true);
        pb.redirectOutput(output.toFile());
        return pb.start();
    }

    private static String newSink(String name) {
        URI sinkUrl = URI.create(pipeline.sinkSettings().url().substring("jdbc:".length()));
        String url = "jdbc:postgresql://" + sinkUrl.getHost() + ":" + sinkUrl.getPort() + "/" + name;
        try (var c = dev.outboxpipeline.db.Connections.open(pipeline.sinkSettings()); var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return url;
    }

    private static JdbcSettings sink(String url) {
        return JdbcSettings.of(JdbcSettings.SINK, url, pipeline.sinkSettings().user(), pipeline.sinkSettings().password());
    }

    private static VerifyReport verify(JdbcSettings sink, Duration wait) {
        return new StoreVerifier(Store.source(pipeline.sourceSettings()), Store.sink(sink)).verify(wait, line -> { });
    }

    private static long recordsIn(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long n = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                n += consumer.poll(Duration.ofMillis(500)).count();
            }
            return n;
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PipelineCommand.commandLine(Env.of(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", pipeline.kafkaBootstrap(),
                "SINK_DB_USER", pipeline.sinkSettings().user())));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), out.toString(), err.toString());
    }
}
