package dev.outboxpipeline.projector;

import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.ops.Health;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.analytics.Analytics;
import dev.outboxpipeline.projector.query.ReadModelQueries;
import dev.outboxpipeline.projector.sink.SinkWriter;
import dev.outboxpipeline.projector.topology.ReadModelTopology;
import dev.outboxpipeline.projector.topology.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * The running projector: the Kafka Streams application (exactly-once v2) that maintains the read
 * model, the sink writer that applies it to the sink database, and the HTTP server with the
 * interactive queries, {@code /health} and {@code /metrics}.
 */
public final class Projector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Projector.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ProjectorSettings settings;
    private final ServiceHttp http;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final SinkWriter sinkWriter;
    private final AtomicReference<Analytics> analytics;

    private Projector(ProjectorSettings settings, ServiceHttp http, KafkaStreams streams,
                      KafkaStreamsMetrics streamsMetrics, SinkWriter sinkWriter, AtomicReference<Analytics> analytics) {
        this.analytics = analytics;
        this.settings = settings;
        this.http = http;
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.sinkWriter = sinkWriter;
    }

    public static Projector start(ProjectorSettings settings, PrometheusMeterRegistry registry) {
        return start(settings, registry, lag -> { });
    }

    /** Starts everything; {@code onLag} sees each applied change's end-to-end lag in ms (benchmarks). */
    public static Projector start(ProjectorSettings settings, PrometheusMeterRegistry registry, LongConsumer onLag) {
        Migrations.migrate(Database.SINK, settings.sink());
        try (Admin admin = Admin.create(settings.kafka().clientConfig())) {
            TopicSetup.prepare(admin, settings.topics(), settings.topicPartitions());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing topics", e);
        }
        AtomicReference<KafkaStreams> streamsRef = new AtomicReference<>();
        AtomicReference<SinkWriter> sinkRef = new AtomicReference<>();
        AtomicReference<Analytics> analytics = new AtomicReference<>();
        // The HTTP port must be known before Streams starts: it is the application.server others forward to.
        AtomicReference<HostInfo> self = new AtomicReference<>();
        ServiceHttp http = ServiceHttp.start("projector", settings.httpHost(), settings.httpPort(), registry,
                () -> health(streamsRef.get(), sinkRef.get()),
                app -> {
                    new ReadModelQueries(streamsRef::get, self::get).routes(app);
                    Analytics.routes(app, analytics::get, self::get, settings, registry);
                });
        try {
            self.set(new HostInfo(settings.advertisedHost(), http.port()));
            KafkaStreams streams = new KafkaStreams(
                    ReadModelTopology.build(new StreamsBuilder(), settings.topics()), streamsConfig(settings, self.get()));
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("stream thread failed; replacing it", e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
            metrics.bindTo(registry);
            Gauge.builder("projector.events.lag", streams, s -> eventsBehind(s, settings.topics()))
                    .description("records of the event topics Kafka Streams has not processed yet").register(registry);
            streamsRef.set(streams);
            streams.start();
            SinkWriter writer = SinkWriter.start(new SinkWriter.Config(settings.applicationId(), settings.sink(),
                    settings.kafka().clientConfig(), settings.topics(), settings.sinkBatch(), onLag), registry);
            sinkRef.set(writer);
            if (settings.analytics().enabled()) {
                analytics.set(Analytics.start(settings, registry, self.get()));
            }
            LOG.info("projector {} started: HTTP on {}:{}, state in {}", settings.applicationId(),
                    settings.httpHost(), http.port(), settings.stateDir());
            return new Projector(settings, http, streams, metrics, writer, analytics);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    static Properties streamsConfig(ProjectorSettings s, HostInfo self) {
        Properties p = new Properties();
        p.putAll(s.kafka().clientConfig());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.streamThreads());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put("processing.exception.handler.global.enabled", true); // the default from Kafka 5.0 on
        return p;
    }

    /** Sum of the Streams consumer's per-partition {@code records-lag} on the event topics. */
    static double eventsBehind(KafkaStreams streams, Topics topics) {
        double behind = 0;
        for (Metric m : streams.metrics().values()) {
            if (m.metricName().name().equals("records-lag") && topics.events().contains(m.metricName().tags().get("topic"))
                    && m.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                behind += Math.max(0, n.doubleValue());
            }
        }
        return behind;
    }

    private static Health health(KafkaStreams streams, SinkWriter writer) {
        Map<String, Object> details = new LinkedHashMap<>();
        KafkaStreams.State state = streams == null ? null : streams.state();
        details.put("streams", state == null ? "STARTING" : state.name());
        boolean streamsUp = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        boolean sinkUp = writer != null && writer.failure().isEmpty();
        if (writer != null) {
            details.put("sinkRecordsBehind", writer.recordsBehind());
            writer.failure().ifPresent(f -> details.put("sinkFailure", f));
        }
        return streamsUp && sinkUp ? Health.up(details) : Health.down(details);
    }

    public int httpPort() {
        return http.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public ProjectorSettings settings() {
        return settings;
    }

    /** Stops in order: the sink writer finishes its batch, Streams commits and closes, then HTTP. */
    @Override
    public void close() {
        if (analytics.get() != null) {
            analytics.get().close();
        }
        sinkWriter.close();
        streams.close(CLOSE_TIMEOUT);
        streamsMetrics.close();
        http.close();
    }
}
