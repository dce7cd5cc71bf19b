package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.ops.Health;
import dev.outboxpipeline.ops.RunningService;
import dev.outboxpipeline.ops.ServiceHttp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The relay as a service: the relay plus {@code /health} and {@code /metrics} on {@code RELAY_HTTP_PORT}.
 * {@code /health} answers from the first second: 503 while the relay starts or waits for Kafka or the database.
 */
public final class RelayService implements RunningService {

    private final RelaySettings settings;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private ServiceHttp http;
    private volatile Relay relay;
    private boolean closed;

    private RelayService(RelaySettings settings) {
        this.settings = settings;
    }

    /**
     * Binds {@code /health} first, then starts the relay; its start checks' refusals (a
     * {@link dev.outboxpipeline.config.ConfigException}) are thrown, with the HTTP server closed again.
     */
    public static RelayService start(RelaySettings settings, PrometheusMeterRegistry registry) {
        RelayService service = new RelayService(settings);
        service.http = ServiceHttp.start("relay", settings.httpHost(), settings.httpPort(), registry, service::health,
                app -> { });
        Relay relay;
        try {
            relay = Relay.start(settings, registry);
        } catch (RuntimeException e) {
            service.http.close();
            throw e;
        }
        service.relay = relay;
        Thread watch = new Thread(() -> {
            try {
                relay.awaitStopped();
                service.ended.complete(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "relay-stopped-" + settings.slotName());
        watch.setDaemon(true);
        watch.start();
        return service;
    }

    /** Runs until the JVM is asked to stop; configuration errors surface as ConfigException before anything starts. */
    public static void run(Env env, PrintWriter out) throws InterruptedException {
        RelaySettings settings = RelaySettings.fromEnv(env);
        RelayService service = start(settings, ServiceHttp.newRegistry());
        out.printf("relay on slot %s: /health and /metrics on http://%s:%d%n", settings.slotName(), settings.httpHost(),
                service.port());
        out.flush();
        RunningService.runUntilStopped(service);
    }

    /** Entry point for running the relay without the launcher, e.g. as a child process in crash tests. */
    public static void main(String[] args) throws InterruptedException {
        run(Env.system(), new PrintWriter(System.out, true));
    }

    public Relay relay() {
        return relay;
    }

    @Override
    public int port() {
        return http.port();
    }

    @Override
    public Health health() {
        Relay r = relay;
        return r == null ? Health.down(Map.of("state", Relay.State.STARTING.name(), "slot", settings.slotName())) : r.health();
    }

    /** Completes when the relay stopped by itself, which it does only when closed or on an error it cannot survive. */
    @Override
    public CompletableFuture<Void> failure() {
        return ended;
    }

    /** Graceful stop: the relay (its open Kafka transaction aborted), then HTTP. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            relay.close();
        } finally {
            http.close();
        }
    }
}
