package dev.outboxpipeline.lab.demo;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.relay.Relay;
import dev.outboxpipeline.relay.RelayService;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.writer.Writer;
import dev.outboxpipeline.writer.WriterSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole line on this machine: a source and a sink PostgreSQL, a Kafka broker, and the writer, the
 * relay and the projector configured through the same environment variables users set. Closing it
 * stops everything and deletes the data.
 */
public final class LocalPipeline implements AutoCloseable {

    private static final Duration RELAY_START_TIMEOUT = Duration.ofMinutes(2);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private PostgresServer source;
    private PostgresServer sink;
    private KafkaBroker kafka;
    private Writer writer;
    private RelayService relay;
    private final CompletableFuture<Projector> projector = new CompletableFuture<>();
    private PrometheusMeterRegistry projectorRegistry;
    private Path stateDir;
    private boolean closed;

    private LocalPipeline() {
    }

    /** Starts every part, printing one line per step to {@code out}. */
    public static LocalPipeline start(Consumer<String> out) {
        return start(out, Map.of());
    }

    /** Starts every part; {@code brokerOverrides} tune the broker, e.g. an eager log cleaner for compaction tests. */
    public static LocalPipeline start(Consumer<String> out, Map<String, String> brokerOverrides) {
        return start(out, brokerOverrides, Map.of());
    }

    /** Starts every part; {@code postgresOverrides} tune both PostgreSQL servers, e.g. {@code fsync=on} for a benchmark. */
    public static LocalPipeline start(Consumer<String> out, Map<String, String> brokerOverrides, Map<String, String> postgresOverrides) {
        LocalPipeline p = new LocalPipeline();
        try {
            p.boot(out, brokerOverrides, postgresOverrides);
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void boot(Consumer<String> out, Map<String, String> brokerOverrides, Map<String, String> postgresOverrides) {
        source = keep(postgresOverrides.isEmpty() ? PostgresServers.start("source", out) : PostgresServers.start("source", postgresOverrides));
        sink = keep(postgresOverrides.isEmpty() ? PostgresServers.start("sink", out) : PostgresServers.start("sink", postgresOverrides));
        out.accept("Kafka: starting a single-node KRaft broker in this process...");
        kafka = keep(KafkaBroker.start(brokerOverrides));
        out.accept("Kafka: broker on " + kafka.bootstrapServers());
        try {
            stateDir = Files.createTempDirectory("pipeline-demo-streams-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("SOURCE_DB_URL", source.createDatabase("shop"));
        env.put("SOURCE_DB_USER", source.user());
        env.put("SOURCE_DB_PASSWORD", source.password());
        env.put("SINK_DB_URL", sink.createDatabase("readmodel"));
        env.put("SINK_DB_USER", sink.user());
        env.put("SINK_DB_PASSWORD", sink.password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put(WriterSettings.HTTP_PORT, Integer.toString(portOr(WriterSettings.DEFAULT_PORT)));
        env.put("RELAY_HTTP_PORT", Integer.toString(portOr(RelaySettings.DEFAULT_HTTP_PORT)));
        env.put("PROJECTOR_HTTP_PORT", Integer.toString(portOr(ProjectorSettings.DEFAULT_HTTP_PORT)));
        env.put("PROJECTOR_STATE_DIR", stateDir.toString());
        Env config = Env.of(env);

        out.accept(Migrations.migrate(Database.SOURCE, JdbcSettings.fromEnv(config, JdbcSettings.SOURCE))
                .describe(env.get("SOURCE_DB_URL")));
        writer = keep(Writer.start(WriterSettings.fromEnv(config)));

        RelaySettings relaySettings = RelaySettings.fromEnv(config);
        relay = keep(RelayService.start(relaySettings, ServiceHttp.newRegistry()));
        awaitStreaming(out, relaySettings.slotName());

        // The projector answers at once and creates the event topics if the relay has not yet.
        projectorRegistry = ServiceHttp.newRegistry();
        LagHistogram.enableOn(projectorRegistry);
        projector.complete(Projector.start(ProjectorSettings.fromEnv(config), projectorRegistry));
    }

    /** The slot exists once the relay streams: only events committed after that are in it, so the load waits. */
    private void awaitStreaming(Consumer<String> out, String slot) {
        Instant deadline = Instant.now().plus(RELAY_START_TIMEOUT);
        while (relay.relay().state() != Relay.State.STREAMING) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the relay did not start streaming within " + RELAY_START_TIMEOUT
                        + " (state " + relay.relay().state() + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the relay started", e);
            }
        }
        out.accept("relay: streaming from slot " + slot);
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.push(resource);
        return resource;
    }

    /** A default port when it is free, so the docs' curl lines work; another free port otherwise. */
    private static int portOr(int preferred) {
        try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            return preferred;
        } catch (IOException busy) {
            try (ServerSocket any = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return any.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
    }

    /** The environment the services were configured with (no secrets: the local servers trust loopback). */
    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    public JdbcSettings sourceSettings() {
        return JdbcSettings.fromEnv(Env.of(env), JdbcSettings.SOURCE);
    }

    public JdbcSettings sinkSettings() {
        return JdbcSettings.fromEnv(Env.of(env), JdbcSettings.SINK);
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public int writerPort() {
        return writer.port();
    }

    public int relayPort() {
        return relay.port();
    }

    public int projectorPort() {
        return Integer.parseInt(env.get("PROJECTOR_HTTP_PORT"));
    }

    /** Whether the projector failed to start (it starts in the background). */
    public Optional<Throwable> projectorFailure() {
        Projector p = projector.getNow(null);
        return p == null ? Optional.empty() : Optional.ofNullable(p.failure().handle((ok, e) -> e).getNow(null));
    }

    public Relay relay() {
        return relay.relay();
    }

    public PrometheusMeterRegistry projectorMetrics() {
        return projectorRegistry;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        projector.thenAccept(Projector::close);
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the local pipeline failed: " + e.getMessage(), e);
                }
            }
        }
        if (stateDir != null) {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
