package dev.outboxpipeline.ops;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started service, as every {@code start(settings, ...)} returns it: its HTTP port ({@code /health},
 * {@code /health/live}, {@code /metrics}), its readiness, and a graceful {@link #close()}.
 */
public interface RunningService extends AutoCloseable {

    /** The port its HTTP server listens on (the configured one, or the one picked for port 0). */
    int port();

    /** What {@code /health} answers now. */
    Health health();

    /**
     * Completes exceptionally with the reason when the service refuses to run on (e.g. a database that came up
     * unmigrated): it then only answers HTTP and should exit. Completes normally when it ended by itself.
     */
    CompletableFuture<Void> failure();

    /** Stops gracefully; idempotent. */
    @Override
    void close();

    /**
     * Blocks until the JVM is asked to stop (SIGTERM, Ctrl-C: a shutdown hook closes the service) or the
     * service fails; a failure closes it and is thrown, so the command exits with its code.
     */
    static void runUntilStopped(RunningService service) throws InterruptedException {
        runUntilStopped(service.getClass().getSimpleName(), service, service.failure());
    }

    /** The same for a service without HTTP (e.g. a sink that follows topics): {@code ended} as {@link #failure()}. */
    static void runUntilStopped(String name, AutoCloseable service, CompletableFuture<Void> ended) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean byHook = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            byHook.set(true);
            stop(service);
            stopped.countDown();
        }, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
        ended.whenComplete((ok, error) -> stopped.countDown());
        stopped.await();
        if (byHook.get()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook runs already and closes the service
        }
        stop(service);
        try {
            ended.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static void stop(AutoCloseable service) {
        try {
            service.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping failed: " + e.getMessage(), e);
        }
    }
}
