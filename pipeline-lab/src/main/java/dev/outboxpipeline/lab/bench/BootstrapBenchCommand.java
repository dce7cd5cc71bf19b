package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.infra.CompactedTopics;
import dev.outboxpipeline.projector.bootstrap.Bootstrap;
import dev.outboxpipeline.projector.model.CustomerRow;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code bench bootstrap}: fills {@code readmodel.customer} with N keys (and empty order topics), then
 * rebuilds an empty sink from them and prints the replay rate and the heap it needed.
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        header = "The replay rate of bootstrap into an empty sink.",
        description = "Replay rate of ./pipeline bootstrap: N customer rows in readmodel.customer, rebuilt into an empty sink.")
public final class BootstrapBenchCommand extends ReportingBench {

    @Option(names = "--keys", defaultValue = "1000000", description = "Rows (distinct keys) to replay. Default: ${DEFAULT-VALUE}.")
    private int keys;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        report.setting("bootstrap", "keys", keys);
        try (BenchServers servers = BenchServers.postgresAndKafka("bench-bootstrap", bench.env())) {
            Topics topics = Topics.defaults();
            CompactedTopics.create(servers.kafka().clientConfig(), topics.readModel(), 3);
            Instant producing = Instant.now();
            produce(servers.kafka(), topics.customerRows());
            out.printf("produced %,d rows into %s in %.1f s%n", keys, topics.customerRows(),
                    Duration.between(producing, Instant.now()).toMillis() / 1000.0);
            out.flush();

            JdbcSettings sink = servers.emptySink("rebuilt");
            System.gc();
            resetPeaks();
            Machine.resetPeakRss(Machine.thisProcess());
            Instant started = Instant.now();
            List<Bootstrap.TopicLoad> loads = Bootstrap.run(new Bootstrap.Settings("bench", sink,
                    servers.kafka(), topics), new Quiet());
            double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
            long rows = loads.stream().mapToLong(Bootstrap.TopicLoad::changesApplied).sum();
            long rss = Machine.peakRssMiB(Machine.thisProcess());
            out.printf("bootstrap: %,d rows in %.1f s = %,.0f rows/s (migration and topic checks included), peak RSS %s"
                    + " (this JVM, broker included)%n", rows, seconds, rows / seconds, RelayBenchCommand.mib(rss));
            report.rate("bootstrap", "replay", rows / seconds, "rows/s", rss, "bench JVM, broker included");
            for (Bootstrap.TopicLoad l : loads) {
                out.printf("  %-26s %,10d records  %,8.0f records/s%n", l.topic(), l.recordsRead(), l.recordsPerSecond());
            }
            out.printf("peak heap used during the replay: %,d MiB (max heap %,d MiB)%n", peakHeapMiB(),
                    Runtime.getRuntime().maxMemory() >> 20);
            report.figure("bootstrap", "peak heap", peakHeapMiB(), "MiB");
            out.printf("load average: %s%n", Machine.load());
        }
        return 0;
    }

    private void produce(KafkaSettings kafka, String topic) {
        try (TransactionalProducer producer = TransactionalProducer.bulk(kafka)) {
            long now = System.currentTimeMillis();
            byte[] version = "1".getBytes(StandardCharsets.UTF_8);
            byte[] ts = Long.toString(now).getBytes(StandardCharsets.UTF_8);
            List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                // name-based, so ids spread like real ones (UUID's hashCode folds a counter pattern to a constant)
                String id = UUID.nameUUIDFromBytes(("customer-" + i).getBytes(StandardCharsets.UTF_8)).toString();
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, id,
                        Json.write(CustomerRow.of(id, "Customer " + i, "customer" + i + "@example.com", 1, now)));
                r.headers().add(EventHeaders.VERSION, version).add(EventHeaders.SOURCE_TS_MS, ts);
                batch.add(r);
                if (batch.size() == 50_000) {
                    producer.send(batch);
                    batch = new ArrayList<>();
                }
            }
            producer.send(batch);
        }
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }

    private static final class Quiet implements Bootstrap.Progress {
        @Override
        public void topicStarted(String topic, long offsetsToRead) {
        }

        @Override
        public void advanced(String topic, long recordsRead, long offsetsRead) {
        }

        @Override
        public void topicDone(Bootstrap.TopicLoad load) {
        }

        @Override
        public void warning(String message) {
        }
    }
}
