package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.projector.MemoryBounds;
import dev.outboxpipeline.projector.ProjectorSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.javalin.Javalin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The running analytics: their own Kafka Streams application (exactly-once v2, application id
 * {@code <projector id>-analytics}) beside the read model's, and the writer of the window tables.
 * Their own application keeps their state, rebalances and catch-up apart from the read model, so
 * {@code PROJECTOR_ANALYTICS=false} leaves the read model's topology, stores and offsets untouched.
 */
public final class Analytics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Analytics.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics metrics;
    private final WindowSink sink;
    private final int inputPartitions;

    private Analytics(KafkaStreams streams, KafkaStreamsMetrics metrics, WindowSink sink, int inputPartitions) {
        this.inputPartitions = inputPartitions;
        this.streams = streams;
        this.metrics = metrics;
        this.sink = sink;
    }

    /** Starts after the projector has prepared its topics (the event topics exist then). */
    public static Analytics start(ProjectorSettings projector, MeterRegistry registry, HostInfo self) {
        AnalyticsSettings settings = projector.analytics();
        AnalyticsTopics topics = AnalyticsTopics.of(projector.topics());
        String applicationId = AnalyticsSettings.applicationId(projector.applicationId());
        int inputPartitions;
        try (Admin admin = Admin.create(projector.kafka().clientConfig())) {
            inputPartitions = prepareTopics(admin, topics, projector.topicPartitions());
        }
        Counter late = Counter.builder("analytics.events.late")
                .description("valid events later than the grace, left out of their windows (see analytics.late)")
                .register(registry);
        AtomicReference<KafkaStreams> ref = new AtomicReference<>();
        KafkaStreams streams = new KafkaStreams(AnalyticsTopology.build(new StreamsBuilder(), topics, settings,
                inputPartitions, late::increment, () -> caughtUp(ref.get(), topics)), config(projector, applicationId, self));
        ref.set(streams);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("analytics stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams); // told apart from the read model's by client id
        metrics.bindTo(registry);
        streams.start();
        WindowSink sink = new WindowSink(applicationId, projector.sink(), projector.kafka().clientConfig(), topics, registry);
        LOG.info("analytics {} started over {} input partitions: windows {} tumbling, {} hopping by {}, sessions with a {} gap, grace {}",
                applicationId, inputPartitions, settings.tumblingWindow(), settings.hoppingWindow(),
                settings.hoppingAdvance(), settings.sessionGap(), settings.grace());
        return new Analytics(streams, metrics, sink, inputPartitions);
    }

    /** The analytics' HTTP routes: the window queries and the dashboard. */
    public static void routes(Javalin app, Supplier<Analytics> analytics, Supplier<HostInfo> self,
                              ProjectorSettings projector, MeterRegistry registry) {
        new AnalyticsQueries(analytics, self, projector.analytics()).routes(app);
        new Dashboard(projector.sink(), registry).routes(app);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The partitions whose watermarks close a window. */
    public int inputPartitions() {
        return inputPartitions;
    }

    public Optional<String> sinkFailure() {
        return sink.failure();
    }

    /**
     * Whether this instance's consumer has fetched every event partition of its active tasks to the
     * end: each has a {@code records-lag} of zero. A partition not fetched yet has no such metric and
     * counts as behind, so a slow start on a backlog is never taken for idleness.
     */
    static boolean caughtUp(KafkaStreams streams, AnalyticsTopics topics) {
        if (streams == null || streams.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        Set<TopicPartition> assigned = new HashSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task ->
                task.topicPartitions().stream().filter(tp -> topics.events().contains(tp.topic())).forEach(assigned::add)));
        Set<TopicPartition> fetchedToEnd = new HashSet<>();
        for (Metric m : streams.metrics().values()) {
            Map<String, String> tags = m.metricName().tags();
            if (m.metricName().name().equals("records-lag") && topics.events().contains(tags.get("topic"))
                    && m.metricValue() instanceof Number n && n.doubleValue() == 0) {
                fetchedToEnd.add(new TopicPartition(tags.get("topic"), Integer.parseInt(tags.get("partition"))));
            }
        }
        return !assigned.isEmpty() && fetchedToEnd.containsAll(assigned);
    }

    static Properties config(ProjectorSettings s, String applicationId, HostInfo self) {
        Properties p = new Properties();
        p.putAll(s.kafka().clientConfig());
        MemoryBounds.applyToStreams(p);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.streamThreads());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        // 0 (the default, said out loud because exactness rests on it): a task waits for records already
        // on the broker before choosing between its customer and order partitions, so it takes them in
        // event-time order while a backlog drains, and the lateness gate sees the relay's order.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        p.put("processing.exception.handler.global.enabled", true);
        return p;
    }

    /** Creates {@code analytics.late} and the window topics when missing; returns the input partitions. */
    static int prepareTopics(Admin admin, AnalyticsTopics topics, int partitions) {
        try {
            Map<String, TopicDescription> events = admin.describeTopics(topics.events()).allTopicNames().get(30, TimeUnit.SECONDS);
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!existing.contains(topics.late())) {
                create(admin, new NewTopic(topics.late(), Optional.of(partitions), Optional.empty()));
            }
            for (String t : topics.windowRows()) {
                if (!existing.contains(t)) {
                    create(admin, new NewTopic(t, Optional.of(partitions), Optional.empty())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
                }
            }
            return events.values().stream().mapToInt(d -> d.partitions().size()).max().orElse(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the analytics topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not prepare the analytics topics: " + e, e);
        }
    }

    private static void create(Admin admin, NewTopic topic) throws InterruptedException, TimeoutException {
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            LOG.info("created topic {}", topic.name());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + topic.name() + ": " + e.getCause(), e);
            }
        }
    }

    /** Stops the sink writer after its batch, then Streams. */
    @Override
    public void close() {
        sink.close();
        streams.close(CLOSE_TIMEOUT);
        metrics.close();
    }
}
