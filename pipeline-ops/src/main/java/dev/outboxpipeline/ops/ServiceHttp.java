package dev.outboxpipeline.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The HTTP server every long-running service has: {@code /health} (readiness: JSON, 503 with the
 * reason when not ready), {@code /health/live} (liveness: 200 while the process answers at all, also
 * while it waits for a dependency, so a liveness probe never kills a service that is waiting) and
 * {@code /metrics} (Prometheus text), plus the service's own routes. Binds the given host and port;
 * port 0 picks a free one.
 */
public final class ServiceHttp implements AutoCloseable {

    /**
     * Jetty's threads, acceptor and selectors included (Javalin's default is 250). Requests beyond them wait in
     * Jetty's queue with their bodies unread, so the bodies on the heap are bounded: at most this many times the
     * largest body a route reads (the writer's: 1 MB), 32 MB here. A writer's requests wait for one of its
     * {@code WRITER_DB_POOL_SIZE} connections anyway.
     */
    public static final int MAX_THREADS = 32;
    private static final int MIN_THREADS = 4;
    private static final Duration IDLE_THREAD_TIMEOUT = Duration.ofMinutes(1);

    private final Javalin app;
    private final PrometheusMeterRegistry registry;

    private ServiceHttp(Javalin app, PrometheusMeterRegistry registry) {
        this.app = app;
        this.registry = registry;
    }

    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** The JSON mapper the services share: ISO dates, no failure on empty beans. */
    public static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    public static ServiceHttp start(String service, String host, int port, PrometheusMeterRegistry registry,
                                    Supplier<Health> health, Consumer<Javalin> routes) {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.useVirtualThreads = false;
            QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, (int) IDLE_THREAD_TIMEOUT.toMillis());
            threads.setName(service + "-http");
            config.jetty.threadPool = threads;
            config.jsonMapper(new JavalinJackson(objectMapper(), false));
        });
        app.get("/health", ctx -> {
            Health h = health.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("service", service);
            body.put("status", h.up() ? "UP" : "DOWN");
            body.putAll(h.details());
            ctx.status(h.up() ? 200 : 503).json(body);
        });
        app.get("/health/live", ctx -> ctx.json(Map.of("service", service, "status", "LIVE")));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
        routes.accept(app);
        app.start(host, port);
        return new ServiceHttp(app, registry);
    }

    public int port() {
        return app.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        app.stop();
    }
}
