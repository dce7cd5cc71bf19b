package dev.outboxpipeline.lab.chaos;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.lab.LabCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The whole line for a chaos run: source and sink PostgreSQL and the brokers (started here, or the endpoints given in
 * the environment), two relays on one slot and two projectors of one application, each relay and projector a child
 * JVM running {@code ./pipeline relay|projector}.
 */
final class ChaosLine implements AutoCloseable {

    static final String SLOT = "outbox_relay";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Path logs;
    private PostgresServer source;
    private PostgresServer sink;
    private BrokerCluster brokers;
    private ChildJvm[] relays;
    private ChildJvm[] projectors;
    private int[] relayPorts;
    private int[] projectorPorts;
    private Path stateDir;

    private ChaosLine(Path logs) {
        this.logs = logs;
    }

    /** The environment's endpoints are used when SOURCE_DB_URL, SINK_DB_URL and KAFKA_BOOTSTRAP_SERVERS are all set. */
    static boolean endpointsGiven(Env env) {
        return env.optional("SOURCE_DB_URL").isPresent() && env.optional("SINK_DB_URL").isPresent()
                && env.optional("KAFKA_BOOTSTRAP_SERVERS").isPresent();
    }

    static ChaosLine start(Env given, int brokerCount, Path logs, Consumer<String> out) {
        ChaosLine line = new ChaosLine(logs);
        try {
            line.boot(given, brokerCount, out);
            return line;
        } catch (RuntimeException e) {
            line.close();
            throw e;
        }
    }

    private void boot(Env given, int brokerCount, Consumer<String> out) {
        try {
            Files.createDirectories(logs);
            stateDir = Files.createTempDirectory("chaos-streams-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (endpointsGiven(given)) {
            for (String name : List.of("SOURCE_DB_URL", "SOURCE_DB_USER", "SOURCE_DB_PASSWORD", "SINK_DB_URL",
                    "SINK_DB_USER", "SINK_DB_PASSWORD", "KAFKA_BOOTSTRAP_SERVERS")) {
                given.optional(name).ifPresent(v -> env.put(name, v));
            }
            given.withPrefix("KAFKA_").forEach(env::put);
            out.accept("chaos: on the endpoints from the environment; only relay and projector faults apply");
        } else {
            source = keep(PostgresServers.start("source", out));
            sink = keep(PostgresServers.start("sink", out));
            out.accept("chaos: starting " + brokerCount + " Kafka node(s) as child processes...");
            brokers = keep(BrokerCluster.start(brokerCount, logs));
            out.accept("chaos: Kafka on " + brokers.bootstrapServers());
            env.put("SOURCE_DB_URL", source.createDatabase("shop"));
            env.put("SOURCE_DB_USER", source.user());
            env.put("SOURCE_DB_PASSWORD", source.password());
            env.put("SINK_DB_URL", sink.createDatabase("readmodel"));
            env.put("SINK_DB_USER", sink.user());
            env.put("SINK_DB_PASSWORD", sink.password());
            env.put("KAFKA_BOOTSTRAP_SERVERS", brokers.bootstrapServers());
            // a paused relay's connection is dropped after this, so a standby can take the slot while it is a zombie
            execute(adminSource(), "ALTER SYSTEM SET wal_sender_timeout = '"
                    + ChaosTimeouts.WAL_SENDER_TIMEOUT.toSeconds() + "s'", "SELECT pg_reload_conf()");
        }
        int replicas = brokers == null ? 1 : brokers.size();
        String replication = Integer.toString(replicas);
        String minInsync = Integer.toString(replicas >= 3 ? 2 : 1);
        env.put("EVENT_TOPIC_REPLICATION_FACTOR", replication);
        env.put("EVENT_TOPIC_MIN_INSYNC_REPLICAS", minInsync);
        env.put("RELAY_TOPIC_REPLICATION_FACTOR", replication);
        env.put("RELAY_TOPIC_MIN_INSYNC_REPLICAS", minInsync);

        out.accept(Migrations.migrate(Database.SOURCE, sourceSettings()).describe(env.get("SOURCE_DB_URL")));
        out.accept(Migrations.migrate(Database.SINK, sinkSettings()).describe(env.get("SINK_DB_URL")));
        SinkAudit.install(sinkSettings());
        relays = new ChildJvm[2];
        relayPorts = new int[2];
        for (int i = 0; i < 2; i++) {
            relayPorts[i] = Ports.free();
            Map<String, String> e = new LinkedHashMap<>(env);
            e.put("RELAY_SLOT_NAME", SLOT);
            e.put("RELAY_HTTP_PORT", Integer.toString(relayPorts[i]));
            e.put("RELAY_HEARTBEAT_INTERVAL", "1s");
            e.put("RELAY_STANDBY_RETRY", "1s");
            e.put("RELAY_KAFKA_TRANSACTION_TIMEOUT", ChaosTimeouts.TRANSACTION_TIMEOUT.toSeconds() + "s");
            String name = "relay-" + (char) ('a' + i);
            relays[i] = keep(ChildJvm.start(name, "384m", LabCommand.class.getName(), List.of("relay"), e,
                    logs.resolve(name + ".log")));
            if (i == 0) {
                out.accept("chaos: waiting for " + name + " to stream (it creates the slot)...");
                awaitStreamingRelay(START_TIMEOUT);
            }
        }
        projectors = new ChildJvm[2];
        projectorPorts = new int[2];
        for (int i = 0; i < 2; i++) {
            projectorPorts[i] = Ports.free();
            String name = "projector-" + (char) ('a' + i);
            Map<String, String> e = new LinkedHashMap<>(env);
            e.put("PROJECTOR_HTTP_PORT", Integer.toString(projectorPorts[i]));
            e.put("PROJECTOR_STATE_DIR", stateDir.resolve(name).toString());
            // each instance keeps a standby of the other's stores: it answers (stale) while the other restarts
            e.put("PROJECTOR_STANDBY_REPLICAS", "1");
            projectors[i] = keep(ChildJvm.start(name, "384m", LabCommand.class.getName(), List.of("projector"), e,
                    logs.resolve(name + ".log")));
        }
        out.accept("chaos: relays " + List.of(relays) + ", projectors " + List.of(projectors) + "; logs in " + logs);
    }

    JdbcSettings sourceSettings() {
        return JdbcSettings.fromEnv(Env.of(env), JdbcSettings.SOURCE);
    }

    JdbcSettings sinkSettings() {
        return JdbcSettings.fromEnv(Env.of(env), JdbcSettings.SINK);
    }

    Map<String, String> env() {
        return Map.copyOf(env);
    }

    boolean localServers() {
        return source != null;
    }

    PostgresServer source() {
        return source;
    }

    PostgresServer sink() {
        return sink;
    }

    BrokerCluster brokers() {
        return brokers;
    }

    String bootstrapServers() {
        return env.get("KAFKA_BOOTSTRAP_SERVERS");
    }

    ChildJvm relay(int i) {
        return relays[i];
    }

    ChildJvm projector(int i) {
        return projectors[i];
    }

    int projectorPort(int i) {
        return projectorPorts[i];
    }

    List<ChildJvm> children() {
        List<ChildJvm> all = new java.util.ArrayList<>(List.of(relays));
        all.addAll(List.of(projectors));
        if (brokers != null) {
            for (int n = 1; n <= brokers.size(); n++) {
                all.add(brokers.node(n));
            }
        }
        return all;
    }

    /** The relay streaming from the slot now, if one is. */
    Optional<Integer> streamingRelay() {
        for (int i = 0; i < relays.length; i++) {
            if (relays[i] != null && relays[i].alive() && get(relayPorts[i], "/health").map(b -> b.contains("\"STREAMING\"")).orElse(false)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** The state a relay's /health reports (STREAMING, STANDBY, RETRYING...), or empty when it does not answer. */
    Optional<String> relayState(int i) {
        return get(relayPorts[i], "/health").flatMap(body -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"").matcher(body);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        });
    }

    int awaitStreamingRelay(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Integer> r = streamingRelay();
            if (r.isPresent()) {
                return r.get();
            }
            Pause.of(Duration.ofMillis(200));
        }
        throw new IllegalStateException("no relay streamed within " + timeout + ": see " + logs);
    }

    boolean projectorHealthy(int i) {
        return projectors[i].alive() && status(projectorPorts[i], "/health") == 200;
    }

    /** Status of a GET on a child's port, or -1 when it does not answer. */
    static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Optional<String> get(int port, String path) {
        try {
            return Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The sink server's maintenance database, from which the sink's own database can be shut off. */
    JdbcSettings adminSink() {
        return JdbcSettings.of(JdbcSettings.SINK, sink.jdbcUrl(), sink.user(), sink.password());
    }

    private JdbcSettings adminSource() {
        return JdbcSettings.of(JdbcSettings.SOURCE, source.jdbcUrl(), source.user(), source.password());
    }

    static void execute(JdbcSettings settings, String... statements) {
        try (Connection c = Connections.open(settings); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                // keep stopping the rest; what is left behind is reported by the run
            }
        }
        if (stateDir != null) {
            Ports.deleteRecursively(stateDir);
        }
    }
}
