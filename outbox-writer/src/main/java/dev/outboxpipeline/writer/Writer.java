package dev.outboxpipeline.writer;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.ops.Health;
import dev.outboxpipeline.ops.RunningService;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.ops.Tracing;
import dev.outboxpipeline.outbox.Outbox;
import dev.outboxpipeline.outbox.OutboxMessages;
import dev.outboxpipeline.outbox.OutboxMode;
import dev.outboxpipeline.outbox.OutboxRow;
import dev.outboxpipeline.writer.domain.ShopDatabase;
import dev.outboxpipeline.writer.http.ShopRoutes;
import dev.outboxpipeline.writer.service.ShopService;
import dev.outboxpipeline.writer.service.UnavailableException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The running writer service: the shop on the source database, served over HTTP with /health and /metrics.
 * The HTTP server answers from the start; while the source database is unreachable, {@code /health} and
 * every shop request answer 503 with the reason, and the writer retries with back-off. Bad configuration
 * fails {@link #start} at once, or {@link #failure()} once the database that comes up turns out wrong.
 */
public final class Writer implements RunningService {

    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    private static final int HEALTH_CHECK_SECONDS = 2;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    private final WriterSettings settings;
    private final Outbox outbox;
    private final CompletableFuture<Void> failure = new CompletableFuture<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "writer-source-wait");
        t.setDaemon(true);
        return t;
    });
    private ServiceHttp http;
    private volatile ShopDatabase database;
    private volatile ShopService shop;
    private volatile String notReady = "starting";
    private boolean closed;
    private Tracing ownedTracing;

    private Writer(WriterSettings settings, Outbox outbox) {
        this.settings = settings;
        this.outbox = outbox;
    }

    /** Starts the HTTP server and opens the source database, or waits for it when it is not reachable yet. */
    public static Writer start(WriterSettings settings) {
        Tracing tracing = Tracing.start(settings.tracing());
        try {
            Writer writer = start(settings, tracing);
            writer.ownedTracing = tracing;
            return writer;
        } catch (RuntimeException e) {
            tracing.close();
            throw e;
        }
    }

    /**
     * {@link #start(WriterSettings)} with a tracer of the caller's (who closes it): each request's span context is
     * stored with its events.
     */
    public static Writer start(WriterSettings settings, Tracing tracing) {
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        Outbox outbox = Outbox.of(ServiceHttp.objectMapper(), settings.outboxOptions().withTraceContext(Tracing::current), rows -> {
            for (OutboxRow row : rows) {
                registry.counter("writer.events.committed", "aggregate", row.aggregateType(), "type", row.type())
                        .increment();
            }
        });
        Writer writer = new Writer(settings, outbox);
        writer.http = ServiceHttp.start("writer", settings.httpHost(), settings.httpPort(), registry,
                writer::health, ShopRoutes.of(writer::shop, registry, tracing));
        try {
            if (!writer.tryOpen()) {
                log.warn("{}; waiting for it, retrying for as long as it takes", writer.notReady);
                writer.retryIn(FIRST_RETRY);
            }
            return writer;
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /** Opens the shop when the database answers; false when it does not yet. Throws on bad configuration. */
    private synchronized boolean tryOpen() {
        if (closed) {
            return true;
        }
        Optional<String> unreachable = SourceReachability.check(settings.source());
        if (unreachable.isPresent()) {
            notReady = unreachable.get();
            return false;
        }
        try {
            database = ShopDatabase.open(settings.source(), settings.poolSize());
        } catch (RuntimeException e) {
            // gone again between the probe and the open: still a wait, not a configuration error
            Optional<String> gone = SourceReachability.check(settings.source());
            if (gone.isPresent()) {
                notReady = gone.get();
                return false;
            }
            throw e;
        }
        if (settings.outboxMode() == OutboxMode.MESSAGE && !messageModeSupported()) {
            return false;
        }
        shop = ShopService.of(database.sessionFactory(), outbox);
        notReady = null;
        return true;
    }

    /**
     * Message mode on a server whose pgoutput cannot decode messages would lose every event: refuse it (a
     * configuration error). False when the version could not be read (the database went away again).
     */
    private boolean messageModeSupported() {
        try (Connection c = database.dataSource().getConnection()) {
            OutboxMessages.requireSupported(c);
            return true;
        } catch (IllegalStateException e) {
            dropDatabase();
            throw new ConfigException(WriterSettings.OUTBOX_MODE + "=message: " + e.getMessage()
                    + " (" + WriterSettings.OUTBOX_MODE + "=table)", e);
        } catch (SQLException e) {
            dropDatabase();
            notReady = "cannot read the source database's version (" + e.getMessage() + ")";
            return false;
        }
    }

    private void dropDatabase() {
        ShopDatabase db = database;
        database = null;
        db.close();
    }

    private void retryIn(Duration delay) {
        retries.schedule(() -> {
            try {
                if (tryOpen()) {
                    log.info("the source database at {} answers: serving", settings.source().safeUrl());
                } else {
                    Duration twice = delay.multipliedBy(2);
                    Duration next = twice.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : twice;
                    log.debug("{}; retrying in {}", notReady, next);
                    retryIn(next);
                }
            } catch (RuntimeException e) {
                notReady = e.getMessage();
                log.error("the writer cannot serve: {}", e.getMessage());
                failure.completeExceptionally(e);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ShopService shop() {
        ShopService s = shop;
        if (s == null) {
            throw new UnavailableException("not ready: " + notReady);
        }
        return s;
    }

    @Override
    public Health health() {
        String url = settings.source().safeUrl();
        ShopDatabase db = database;
        if (db == null) {
            String reason = failure.isCompletedExceptionally() ? notReady : notReady + "; retrying with back-off";
            return Health.down(Map.of("database", url, "reason", reason));
        }
        Map<String, Object> details = Map.of("database", url, "outboxMode", settings.outboxMode().name().toLowerCase(Locale.ROOT),
                "outboxRemoveAfterInsert", settings.removeAfterInsert());
        try (Connection c = db.dataSource().getConnection()) {
            return c.isValid(HEALTH_CHECK_SECONDS) ? Health.up(details) : Health.down(details);
        } catch (SQLException e) {
            return Health.down(Map.of("database", url, "reason", "the source database is unreachable"));
        }
    }

    /**
     * Completes exceptionally, with a {@link dev.outboxpipeline.config.ConfigException}, when the source database
     * that came up after start cannot be served (e.g. not migrated); the writer then stays 503 and should exit.
     */
    @Override
    public CompletableFuture<Void> failure() {
        return failure;
    }

    @Override
    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        retries.shutdownNow();
        ShopDatabase db;
        synchronized (this) {
            closed = true;
            db = database;
            database = null;
            shop = null;
        }
        try {
            if (http != null) {
                http.close();
            }
        } finally {
            if (db != null) {
                db.close();
            }
            if (ownedTracing != null) {
                ownedTracing.close();
            }
        }
    }
}
