package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.EventTopicSettings;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.TracingSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.projector.analytics.AnalyticsSettings;
import dev.outboxpipeline.projector.sink.DeletionMarkers;
import dev.outboxpipeline.projector.topology.Topics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The projector's settings, from {@code PROJECTOR_*}, {@code SINK_DB_*} and {@code KAFKA_*}
 * variables; tests build them with {@link #of} and the {@code with...} methods.
 */
public record ProjectorSettings(String applicationId, JdbcSettings sink, KafkaSettings kafka, Topics topics,
                                String httpHost, int httpPort, String advertisedHost, Path stateDir,
                                Duration commitInterval, int streamThreads, int sinkBatch,
                                EventTopicSettings eventTopics, ReadModelTopicSettings readModelTopics,
                                int standbyReplicas, Duration deletionMarkerRetention,
                                AnalyticsSettings analytics, TracingSettings tracing) {

    public static final String SERVICE_NAME = "projector";

    public static final String DEFAULT_APPLICATION_ID = "projector";
    public static final int DEFAULT_HTTP_PORT = 8082;
    /**
     * Output becomes visible at commits, and an order's view crosses three (the foreign-key join goes
     * through two internal topics), so the lag is about three intervals: at 1,000 events/s, 25 ms gave a
     * p50 of 111-178 ms where 50 ms gave 201 ms, and no slower catch-up; 10 ms was worse on two cores
     * (docs/benchmarks.md, "What bounds each figure").
     */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(25);
    public static final int DEFAULT_SINK_BATCH = 5_000;
    /** No standby: a failed-over partition restores its state from the changelog first. */
    public static final int DEFAULT_STANDBY_REPLICAS = 0;

    public ProjectorSettings {
        if (!applicationId.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException("PROJECTOR_APPLICATION_ID=" + applicationId
                    + " is not a valid Kafka Streams application id: use letters, digits, '.', '_' and '-'");
        }
        Duration tombstones = eventTopics.deleteRetention().compareTo(readModelTopics.deleteRetention()) > 0
                ? eventTopics.deleteRetention() : readModelTopics.deleteRetention();
        if (deletionMarkerRetention.compareTo(tombstones) <= 0) {
            throw new ConfigException(DeletionMarkers.RETENTION + "=" + deletionMarkerRetention + " must be longer than"
                    + " the topics' tombstone retention (" + tombstones + ", " + EventTopicSettings.DELETE_RETENTION
                    + " / " + ReadModelTopicSettings.DELETE_RETENTION + "): a replay could otherwise bring a deleted"
                    + " row back. Raise it, or lower the tombstone retention");
        }
    }

    public static ProjectorSettings fromEnv(Env env) {
        String host = env.get("PROJECTOR_HTTP_HOST", "127.0.0.1");
        return new ProjectorSettings(
                env.get("PROJECTOR_APPLICATION_ID", DEFAULT_APPLICATION_ID),
                JdbcSettings.fromEnv(env, JdbcSettings.SINK),
                KafkaSettings.fromEnv(env),
                Topics.withPrefix(env.get("PROJECTOR_TOPIC_PREFIX", "")),
                host,
                env.intValue("PROJECTOR_HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65_535),
                env.get("PROJECTOR_ADVERTISED_HOST", host.equals("0.0.0.0") ? "localhost" : host),
                Path.of(env.get("PROJECTOR_STATE_DIR", defaultStateDir().toString())),
                env.duration("PROJECTOR_COMMIT_INTERVAL", DEFAULT_COMMIT_INTERVAL),
                env.intValue("PROJECTOR_STREAM_THREADS", 1, 1, 64),
                env.intValue("PROJECTOR_SINK_BATCH", DEFAULT_SINK_BATCH, 1, 100_000),
                EventTopicSettings.fromEnv(env),
                ReadModelTopicSettings.fromEnv(env),
                env.intValue("PROJECTOR_STANDBY_REPLICAS", DEFAULT_STANDBY_REPLICAS, 0, 16),
                env.duration(DeletionMarkers.RETENTION, DeletionMarkers.DEFAULT_RETENTION),
                AnalyticsSettings.fromEnv(env),
                TracingSettings.fromEnv(env, SERVICE_NAME));
    }

    /** Defaults around a sink and a cluster; the HTTP port is 0 (any free one); analytics off (tests opt in). */
    public static ProjectorSettings of(JdbcSettings sink, KafkaSettings kafka) {
        return new ProjectorSettings(DEFAULT_APPLICATION_ID, sink, kafka, Topics.defaults(), "127.0.0.1", 0,
                "127.0.0.1", defaultStateDir(), DEFAULT_COMMIT_INTERVAL, 1, DEFAULT_SINK_BATCH, EventTopicSettings.defaults(),
                ReadModelTopicSettings.defaults(), DEFAULT_STANDBY_REPLICAS, DeletionMarkers.DEFAULT_RETENTION,
                AnalyticsSettings.off(), TracingSettings.fromEnv(Env.of(Map.of()), SERVICE_NAME));
    }

    public ProjectorSettings withApplicationId(String id) {
        return new ProjectorSettings(id, sink, kafka, topics, httpHost, httpPort, advertisedHost, stateDir,
                commitInterval, streamThreads, sinkBatch, eventTopics, readModelTopics, standbyReplicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withSink(JdbcSettings s) {
        return new ProjectorSettings(applicationId, s, kafka, topics, httpHost, httpPort, advertisedHost, stateDir,
                commitInterval, streamThreads, sinkBatch, eventTopics, readModelTopics, standbyReplicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withKafka(KafkaSettings k) {
        return new ProjectorSettings(applicationId, sink, k, topics, httpHost, httpPort, advertisedHost, stateDir,
                commitInterval, streamThreads, sinkBatch, eventTopics, readModelTopics, standbyReplicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withTopics(Topics t) {
        return new ProjectorSettings(applicationId, sink, kafka, t, httpHost, httpPort, advertisedHost, stateDir,
                commitInterval, streamThreads, sinkBatch, eventTopics, readModelTopics, standbyReplicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withStateDir(Path dir) {
        return new ProjectorSettings(applicationId, sink, kafka, topics, httpHost, httpPort, advertisedHost, dir,
                commitInterval, streamThreads, sinkBatch, eventTopics, readModelTopics, standbyReplicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withCommitInterval(Duration interval) {
        return new ProjectorSettings(applicationId, sink, kafka, topics, httpHost, httpPort, advertisedHost, stateDir,
                interval, streamThreads, sinkBatch, eventTopics, readModelTopics, standbyReplicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withTopicPartitions(int partitions) {
        return withEventTopics(eventTopics.withPartitions(partitions));
    }

    public ProjectorSettings withEventTopics(EventTopicSettings settings) {
        return new ProjectorSettings(applicationId, sink, kafka, topics, httpHost, httpPort, advertisedHost, stateDir,
                commitInterval, streamThreads, sinkBatch, settings, readModelTopics, standbyReplicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withReadModelTopics(ReadModelTopicSettings settings) {
        return new ProjectorSettings(applicationId, sink, kafka, topics, httpHost, httpPort, advertisedHost, stateDir,
                commitInterval, streamThreads, sinkBatch, eventTopics, settings, standbyReplicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withStandbyReplicas(int replicas) {
        return new ProjectorSettings(applicationId, sink, kafka, topics, httpHost, httpPort, advertisedHost, stateDir,
                commitInterval, streamThreads, sinkBatch, eventTopics, readModelTopics, replicas,
                deletionMarkerRetention, analytics, tracing);
    }

    public ProjectorSettings withAnalytics(AnalyticsSettings a) {
        return new ProjectorSettings(applicationId, sink, kafka, topics, httpHost, httpPort, advertisedHost, stateDir,
                commitInterval, streamThreads, sinkBatch, eventTopics, readModelTopics, standbyReplicas,
                deletionMarkerRetention, a, tracing);
    }

    /** The partition count of the topics the projector creates ({@code EVENT_TOPIC_PARTITIONS}). */
    public int topicPartitions() {
        return eventTopics.partitions();
    }

    private static Path defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "outbox-projector");
    }
}
