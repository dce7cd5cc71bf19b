package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.projector.bootstrap.Bootstrap;
import dev.outboxpipeline.projector.model.Customer;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.topology.EventHeaders;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code bench bootstrap}: fills {@code readmodel.customer} with N keys (and empty order topics), then
 * rebuilds an empty sink from them and prints the replay rate and the heap it needed.
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        header = "The replay rate of bootstrap into an empty sink.",
        description = "Replay rate of ./pipeline bootstrap: N customer rows in readmodel.customer, rebuilt into an empty sink.")
public final class BootstrapBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--keys", defaultValue = "1000000", description = "Rows (distinct keys) to replay. Default: ${DEFAULT-VALUE}.")
    private int keys;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (PostgresServer postgres = PostgresServers.start("bench-bootstrap", line -> out.println(line));
             KafkaBroker kafka = KafkaBroker.start()) {
            Topics topics = Topics.defaults();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(topics.readModel().stream().map(t -> new NewTopic(t, 3, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact"))).toList()).all().get();
            }
            Instant producing = Instant.now();
            produce(kafka.bootstrapServers(), topics.customerRows());
            out.printf("produced %,d rows into %s in %.1f s%n", keys, topics.customerRows(),
                    Duration.between(producing, Instant.now()).toMillis() / 1000.0);
            out.flush();

            JdbcSettings sink = JdbcSettings.of(JdbcSettings.SINK, postgres.createDatabase("rebuilt"), postgres.user(),
                    postgres.password());
            System.gc();
            resetPeaks();
            Instant started = Instant.now();
            List<Bootstrap.TopicLoad> loads = Bootstrap.run(new Bootstrap.Settings("bench", sink,
                    KafkaSettings.of(kafka.bootstrapServers()), topics), new Quiet());
            double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
            long rows = loads.stream().mapToLong(Bootstrap.TopicLoad::changesApplied).sum();
            out.printf("bootstrap: %,d rows in %.1f s = %,.0f rows/s (migration and topic checks included)%n",
                    rows, seconds, rows / seconds);
            for (Bootstrap.TopicLoad l : loads) {
                out.printf("  %-26s %,10d records  %,8.0f records/s%n", l.topic(), l.recordsRead(), l.recordsPerSecond());
            }
            out.printf("peak heap used during the replay: %,d MiB (max heap %,d MiB)%n", peakHeapMiB(),
                    Runtime.getRuntime().maxMemory() >> 20);
            out.printf("load average: %s%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        return 0;
    }

    private void produce(String bootstrap, String topic) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-bootstrap",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            long now = System.currentTimeMillis();
            byte[] version = "1".getBytes(StandardCharsets.UTF_8);
            byte[] ts = Long.toString(now).getBytes(StandardCharsets.UTF_8);
            producer.beginTransaction();
            for (int i = 0; i < keys; i++) {
                // name-based, so ids spread like real ones (UUID's hashCode folds a counter pattern to a constant)
                String id = UUID.nameUUIDFromBytes(("customer-" + i).getBytes(StandardCharsets.UTF_8)).toString();
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, id,
                        Json.write(Customer.of(id, "Customer " + i, "customer" + i + "@example.com", 1, now)));
                r.headers().add(EventHeaders.VERSION, version).add(EventHeaders.SOURCE_TS_MS, ts);
                producer.send(r);
                if (i % 50_000 == 49_999) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
            }
            producer.commitTransaction();
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
