package dev.outboxpipeline.projector.bootstrap;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.projector.sink.BulkLoader;
import dev.outboxpipeline.projector.sink.SinkIdentity;
import dev.outboxpipeline.projector.sink.SinkWriter;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds a brand-new read-model store from the compacted {@code readmodel.*} topics: reads each topic
 * from the beginning up to its end offsets at start (the consistency watermark), applies the changes
 * in large batches, and records the offsets reached, so a live sink writer with the same application id
 * follows on from exactly there.
 */
public final class Bootstrap {

    /** A conservative replay rate for the retention check; the benchmark measures the real one. */
    static final long ASSUMED_ROWS_PER_SECOND = 20_000;
    private static final int MAX_POLL_RECORDS = 20_000;
    private static final Duration POLL = Duration.ofMillis(500);

    public record Settings(String applicationId, JdbcSettings sink, KafkaSettings kafka, Topics topics) {
    }

    /** What one topic's replay did. */
    public record TopicLoad(String topic, long offsetsToRead, long recordsRead, long changesApplied, Duration took) {

        public double recordsPerSecond() {
            return took.isZero() ? recordsRead : recordsRead * 1000.0 / took.toMillis();
        }
    }

    /** Hears the replay's progress; calls come from the bootstrap's thread. */
    public interface Progress {
        void topicStarted(String topic, long offsetsToRead);

        void advanced(String topic, long recordsRead, long offsetsRead);

        void topicDone(TopicLoad load);

        void warning(String message);
    }

    private Bootstrap() {
    }

    public static List<TopicLoad> run(Settings s, Progress progress) {
        Migrations.migrate(Database.SINK, s.sink());
        requireEmpty(s);
        requireGroupNotUsedByAnotherStore(s, SinkIdentity.read(s.sink()));
        List<TopicLoad> loads = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(s.kafka());
             BulkLoader loader = BulkLoader.open(s.applicationId(), s.sink(), s.topics(), s.kafka().clientConfig());
             Admin admin = Admin.create(s.kafka().clientConfig())) {
            for (String topic : s.topics().readModel()) {
                loads.add(load(topic, consumer, loader, admin, progress));
            }
            if (loader.rejected() > 0) {
                progress.warning(loader.rejected() + " read-model records were rejected by the sink and sent to "
                        + s.topics().deadLetters() + " with the reason; verify reports their rows as differences");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("writing the sink failed: " + e.getMessage(), e);
        }
        return loads;
    }

    private static TopicLoad load(String topic, KafkaConsumer<String, byte[]> consumer, BulkLoader loader,
                                  Admin admin, Progress progress) throws SQLException {
        List<TopicPartition> partitions = partitions(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> watermark = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        long toRead = partitions.stream().mapToLong(tp -> watermark.get(tp) - begin.get(tp)).sum();
        checkRetention(admin, topic, toRead, progress);
        progress.topicStarted(topic, toRead);

        long started = System.nanoTime();
        long read = 0;
        long applied = 0;
        while (!reached(consumer, partitions, watermark)) {
            List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                // records past the watermark are the live writer's, after the hand-over
                if (r.offset() < watermark.get(new TopicPartition(r.topic(), r.partition()))) {
                    batch.add(r);
                }
            }
            if (!batch.isEmpty()) {
                applied += loader.apply(batch);
                read += batch.size();
            }
            progress.advanced(topic, read, offsetsRead(consumer, partitions, begin, watermark));
        }
        TopicLoad load = new TopicLoad(topic, toRead, read, applied, Duration.ofNanos(System.nanoTime() - started));
        progress.topicDone(load);
        return load;
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
                                   Map<TopicPartition, Long> watermark) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < watermark.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private static long offsetsRead(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
                                    Map<TopicPartition, Long> begin, Map<TopicPartition, Long> watermark) {
        long n = 0;
        for (TopicPartition tp : partitions) {
            n += Math.min(consumer.position(tp), watermark.get(tp)) - begin.get(tp);
        }
        return n;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new ConfigException("topic " + topic + " does not exist: run the projector first (it creates and"
                    + " fills the readmodel topics), or check KAFKA_BOOTSTRAP_SERVERS and PROJECTOR_TOPIC_PREFIX");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /**
     * Compaction drops a tombstone {@code delete.retention.ms} after it is cleaned: a replay that takes
     * longer could read a row's older value and miss the tombstone that deleted it.
     */
    private static void checkRetention(Admin admin, String topic, long toRead, Progress progress) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            long retentionMs = Long.parseLong(config.get(TopicConfig.DELETE_RETENTION_MS_CONFIG).value());
            long expectedMs = toRead * 1000 / ASSUMED_ROWS_PER_SECOND;
            if (expectedMs > retentionMs) {
                progress.warning(String.format("%s: %,d records may take about %,d s to replay at %,d rows/s, longer than"
                                + " its delete.retention.ms of %,d s: a tombstone cleaned meanwhile could be missed."
                                + " Raise delete.retention.ms for the rebuild, and run verify afterwards.",
                        topic, toRead, expectedMs / 1000, ASSUMED_ROWS_PER_SECOND, retentionMs / 1000));
            }
        } catch (Exception e) {
            progress.warning(topic + ": could not read delete.retention.ms (" + e.getMessage() + ")");
        }
    }

    /**
     * Refuses to follow when the application's sink group has active members that write another store:
     * each would silently apply only its share of the partitions.
     */
    public static void requireGroupNotUsedByAnotherStore(Settings s, SinkIdentity store) {
        String group = s.applicationId() + "-sink";
        String prefix = SinkWriter.clientIdPrefix(s.applicationId());
        try (Admin admin = Admin.create(s.kafka().clientConfig())) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                    .get(group);
            List<String> others = d.members().stream().map(MemberDescription::clientId)
                    .filter(id -> !id.equals(prefix + store.storeId())).toList();
            if (!others.isEmpty()) {
                throw new ConfigException("the consumer group " + group + " already has active members writing another"
                        + " store (" + others + "): following with it would apply only a share of the partitions to"
                        + " each store. Nothing was followed. Stop the other follow, or give this one its own id:"
                        + " bootstrap --sink <jdbc-url> --follow (the default id is unique to the store), or"
                        + " --application-id <another-id>");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the consumer group " + group, e);
        } catch (ExecutionException | TimeoutException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new IllegalStateException("could not check the consumer group " + group + ": " + e.getMessage(), e);
            }
        }
    }

    private static void requireEmpty(Settings s) {
        String sql = "SELECT (SELECT count(*) FROM customer) + (SELECT count(*) FROM purchase_order)"
                + " + (SELECT count(*) FROM order_view) + (SELECT count(*) FROM deleted_row)"
                + " + (SELECT count(*) FROM projector_offsets)";
        try (Connection c = Connections.open(s.sink()); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long rows = rs.getLong(1);
            if (rows > 0) {
                throw new ConfigException("the sink " + s.sink().safeUrl() + " is not empty (" + rows + " rows): bootstrap"
                        + " builds a brand-new store; point --sink at a new, empty database");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the sink failed: " + e.getMessage(), e);
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(KafkaSettings kafka) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
