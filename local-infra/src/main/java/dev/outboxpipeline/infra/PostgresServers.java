package dev.outboxpipeline.infra;

import org.testcontainers.DockerClientFactory;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Starts throwaway PostgreSQL servers: in Docker (Testcontainers) when an engine answers, otherwise
 * from the embedded binaries. {@code PIPELINE_POSTGRES_ENGINE=docker|embedded} forces one.
 */
public final class PostgresServers {

    public static final String ENGINE_VARIABLE = "PIPELINE_POSTGRES_ENGINE";

    private static volatile Boolean dockerAnswers;

    private PostgresServers() {
    }

    public static PostgresServer start(String name) {
        return start(name, System.out::println);
    }

    public static PostgresServer start(String name, PrintStream out) {
        return start(name, out::println);
    }

    /** A server whose settings differ from the usual ones, e.g. {@code max_slot_wal_keep_size} or {@code wal_level}. */
    public static PostgresServer start(String name, Map<String, String> settings) {
        return start(name, settings, System.out::println);
    }

    /** Starts a server and tells {@code announce} in one line which engine runs it and where. */
    public static PostgresServer start(String name, Consumer<String> announce) {
        return start(name, Map.of(), announce);
    }

    private static PostgresServer start(String name, Map<String, String> settings, Consumer<String> announce) {
        String forced = System.getenv(ENGINE_VARIABLE);
        String engine = forced == null || forced.isBlank() ? "auto" : forced.trim().toLowerCase(Locale.ROOT);
        PostgresServer server;
        switch (engine) {
            case "docker" -> server = ContainerPostgresServer.start(name, settings);
            case "embedded" -> server = EmbeddedPostgresServer.start(name, settings);
            case "auto" -> server = dockerAnswers()
                    ? ContainerPostgresServer.start(name, settings)
                    : EmbeddedPostgresServer.start(name, settings);
            default -> throw new IllegalArgumentException(
                    ENGINE_VARIABLE + "=" + forced + " is not an engine: use docker, embedded, or leave it unset");
        }
        announce.accept(String.format("PostgreSQL '%s': %s on %s:%d%s", name, server.engine(), server.host(),
                server.port(), engine.equals("auto") && !dockerAnswers ? " (no Docker engine answered)" : ""));
        return server;
    }

    private static boolean dockerAnswers() {
        if (dockerAnswers == null) {
            try {
                dockerAnswers = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                dockerAnswers = false;
            }
        }
        return dockerAnswers;
    }
}
