package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.DatabaseUnreachableException;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.ops.Health;
import dev.outboxpipeline.ops.RunningService;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.ops.Tracing;
import dev.outboxpipeline.projector.analytics.Analytics;
import dev.outboxpipeline.projector.query.ReadModelQueries;
import dev.outboxpipeline.projector.sink.SinkWriter;
import dev.outboxpipeline.projector.topology.DeadLetterProduction;
import dev.outboxpipeline.projector.topology.ReadModelTopology;
import dev.outboxpipeline.projector.topology.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running projector: the Kafka Streams application (exactly-once v2) that maintains the read
 * model, the sink writer that applies it to the sink database, and the HTTP server with the
 * interactive queries, {@code /health}, {@code /health/live} and {@code /metrics}.
 *
 * <p>{@link #start} returns at once with the HTTP server answering; the rest starts in the background
 * and waits for whatever it needs (the sink database, Kafka), saying what in {@code /health}. So the
 * projector, the relay and the writer may start in any order.
 */
public final class Projector implements RunningService {

    private static final Logger LOG = LoggerFactory.getLogger(Projector.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    private final ProjectorSettings settings;
    private final PrometheusMeterRegistry registry;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CompletableFuture<Void> failure = new CompletableFuture<>();
    private final AtomicReference<HostInfo> self = new AtomicReference<>();
    private final Thread starter;
    private ServiceHttp http;
    private volatile String waitingFor = "starting";
    private volatile KafkaStreams streams;
    private volatile KafkaStreamsMetrics streamsMetrics;
    private volatile SinkWriter sinkWriter;
    private volatile StreamsFailure streamsFailure;
    private volatile EventTimeLag timeLag;
    private volatile Analytics analytics;
    private Tracing tracing;
    private Tracing ownedTracing;

    private Projector(ProjectorSettings settings, PrometheusMeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.starter = new Thread(this::startInBackground, "projector-start");
        this.starter.setDaemon(true);
    }

    /** Starts the HTTP server, then the rest in the background; see {@link #failure()} for a fatal refusal. */
    public static Projector start(ProjectorSettings settings, PrometheusMeterRegistry registry) {
        Tracing tracing = Tracing.start(settings.tracing());
        try {
            Projector p = start(settings, registry, tracing);
            p.ownedTracing = tracing;
            return p;
        } catch (RuntimeException e) {
            tracing.close();
            throw e;
        }
    }

    /** {@link #start(ProjectorSettings, PrometheusMeterRegistry)} with a tracer of the caller's, who closes it. */
    public static Projector start(ProjectorSettings settings, PrometheusMeterRegistry registry, Tracing tracing) {
        Projector p = new Projector(settings, registry);
        p.tracing = tracing;
        // The HTTP port must be known before Streams starts: it is the application.server others forward to.
        p.http = ServiceHttp.start("projector", settings.httpHost(), settings.httpPort(), registry, p::health,
                app -> {
                    new ReadModelQueries(p::streams, p.self::get).routes(app);
                    Analytics.routes(app, () -> p.analytics, p.self::get, settings, registry);
                });
        p.self.set(new HostInfo(settings.advertisedHost(), p.http.port()));
        p.starter.start();
        return p;
    }

    private void startInBackground() {
        try {
            retry("the sink database", () -> Migrations.migrate(Database.SINK, settings.sink()));
            retry("Kafka", () -> {
                Admin admin = Admin.create(settings.kafka().clientConfig());
                try {
                    TopicSetup.prepare(admin, settings.topics(), settings.eventTopics(), settings.readModelTopics());
                } finally {
                    admin.close(Duration.ofSeconds(1)); // by default it would wait out calls to an absent Kafka
                }
            });
            if (stop.getCount() == 0) {
                return;
            }
            startStreams();
            timeLag = new EventTimeLag(settings, registry);
            sinkWriter = SinkWriter.start(new SinkWriter.Config(settings.applicationId(), settings.sink(),
                    settings.kafka().clientConfig(), settings.topics(), settings.sinkBatch(),
                    settings.deletionMarkerRetention()), registry, tracing);
            if (settings.analytics().enabled()) {
                analytics = Analytics.start(settings, registry, self.get());
            }
            waitingFor = null;
            LOG.info("projector {} started: HTTP on {}:{}, state in {}", settings.applicationId(),
                    settings.httpHost(), http.port(), settings.stateDir());
        } catch (RuntimeException e) {
            waitingFor = "stopped: " + e.getMessage();
            LOG.error("projector {} cannot run: {}", settings.applicationId(), e.getMessage());
            failure.completeExceptionally(e);
        }
    }

    private void startStreams() {
        KafkaStreams s = new KafkaStreams(ReadModelTopology.build(new StreamsBuilder(), settings.topics(),
                settings.deletionMarkerRetention()),
                streamsConfig(settings, self.get()));
        streamsFailure = new StreamsFailure(settings.applicationId());
        s.setUncaughtExceptionHandler(streamsFailure);
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(s);
        metrics.bindTo(registry);
        Gauge.builder("projector.events.lag", s, x -> eventsBehind(x, settings.topics()))
                .description("records of the event topics Kafka Streams has not processed yet").register(registry);
        streamsMetrics = metrics;
        streams = s;
        s.start();
    }

    /** Runs {@code step} until it succeeds; an unreachable dependency is waited for, bad configuration is thrown. */
    private void retry(String what, Runnable step) {
        Duration wait = FIRST_RETRY;
        if (waitingFor == null || waitingFor.equals("starting") || !waitingFor.startsWith("waiting for " + what)) {
            waitingFor = "waiting for " + what;
        }
        while (stop.getCount() > 0) {
            try {
                step.run();
                return;
            } catch (DatabaseUnreachableException | KafkaUnreachableException e) {
                waitFor(what, e, wait);
            } catch (ConfigException e) {
                throw e;
            } catch (KafkaException e) { // e.g. no resolvable bootstrap address yet
                waitFor(what, e, wait);
            }
            wait = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
        }
    }

    private void waitFor(String what, RuntimeException e, Duration wait) {
        String reason = "waiting for " + what + ": " + e.getMessage();
        if (!reason.equals(waitingFor)) {
            LOG.warn("{}", reason);
        }
        waitingFor = reason;
        try {
            stop.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            stop.countDown();
        }
    }

    static Properties streamsConfig(ProjectorSettings s, HostInfo self) {
        Properties p = new Properties();
        p.putAll(s.kafka().clientConfig());
        MemoryBounds.applyToStreams(p);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.streamThreads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, s.standbyReplicas());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put("processing.exception.handler.global.enabled", true); // the default from Kafka 5.0 on
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProduction.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, s.topics().deadLetters());
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

    /**
     * Ready when Streams runs (not while it rebalances or restores its stores: queries would fail) and the
     * sink writer writes; otherwise the reason.
     */
    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        String waiting = waitingFor;
        KafkaStreams s = streams;
        if (s == null) {
            details.put("streams", "NOT_STARTED");
            details.put("reason", waiting == null ? "starting" : waiting);
            return Health.down(details);
        }
        KafkaStreams.State state = s.state();
        details.put("streams", state.name());
        SinkWriter writer = sinkWriter;
        String reason = null;
        if (streamsFailure != null && streamsFailure.reason().isPresent()) {
            reason = streamsFailure.reason().get();
        } else if (state != KafkaStreams.State.RUNNING) {
            reason = state == KafkaStreams.State.REBALANCING
                    ? "Kafka Streams is rebalancing or restoring its state stores"
                    : "Kafka Streams is " + state;
        }
        if (writer != null) {
            details.put("sinkRecordsBehind", writer.recordsBehind());
            if (writer.failure().isPresent()) {
                details.put("sinkFailure", writer.failure().get());
                reason = reason == null ? "the sink database is not being written: " + writer.failure().get() : reason;
            }
        } else if (reason == null) {
            reason = "the sink writer is starting";
        }
        EventTimeLag lag = timeLag;
        if (lag != null) {
            details.put("eventsTimeLagSeconds", lag.age().toSeconds());
            lag.warning().ifPresent(w -> details.put("warning", w));
        }
        if (reason != null) {
            details.put("reason", reason);
            return Health.down(details);
        }
        return Health.up(details);
    }

    @Override
    public int port() {
        return http.port();
    }

    /** The Streams application, or null while the projector still waits for its dependencies. */
    public KafkaStreams streams() {
        return streams;
    }

    public ProjectorSettings settings() {
        return settings;
    }

    /** Completes exceptionally with the reason when the projector refuses to run (bad configuration); it then only answers HTTP. */
    @Override
    public CompletableFuture<Void> failure() {
        return failure;
    }

    /** Stops in order: the start-up, the sink writer finishes its batch, Streams commits and closes, then HTTP. */
    @Override
    public void close() {
        stop.countDown();
        try {
            starter.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (analytics != null) {
            analytics.close();
        }
        if (timeLag != null) {
            timeLag.close();
        }
        if (sinkWriter != null) {
            sinkWriter.close();
        }
        if (streams != null) {
            streams.close(CLOSE_TIMEOUT);
            streamsMetrics.close();
        }
        http.close();
        if (ownedTracing != null) {
            ownedTracing.close(); // after the sink writer: flushes its last spans
        }
    }
}
