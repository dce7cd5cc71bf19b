package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.ops.Health;
import dev.outboxpipeline.ops.ServiceHttp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The relay as a service: the relay plus {@code /health} and {@code /metrics} on {@code RELAY_HTTP_PORT},
 * until SIGTERM (a JVM shutdown hook stops it gracefully).
 */
public final class RelayService {

    private RelayService() {
    }

    /** Runs until the JVM is asked to stop; configuration errors surface as ConfigException before anything starts. */
    public static void run(Env env, PrintWriter out) throws InterruptedException {
        RelaySettings settings = RelaySettings.fromEnv(env);
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        // /health answers from the first second: 503 while the relay starts or waits for Kafka or the database
        AtomicReference<Relay> started = new AtomicReference<>();
        ServiceHttp http = ServiceHttp.start("relay", settings.httpHost(), settings.httpPort(), registry, () -> {
            Relay r = started.get();
            return r == null ? Health.down(Map.of("state", Relay.State.STARTING.name(), "slot", settings.slotName())) : r.health();
        }, app -> { });
        Relay relay;
        try {
            relay = Relay.start(settings, registry);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
        started.set(relay);
        out.printf("relay on slot %s: /health and /metrics on http://%s:%d%n", settings.slotName(), settings.httpHost(),
                http.port());
        out.flush();
        Thread hook = new Thread(() -> {
            relay.close();
            http.close();
        }, "relay-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        relay.awaitStopped();
    }

    /** Entry point for running the relay without the launcher, e.g. as a child process in crash tests. */
    public static void main(String[] args) throws InterruptedException {
        run(Env.system(), new PrintWriter(System.out, true));
    }
}
