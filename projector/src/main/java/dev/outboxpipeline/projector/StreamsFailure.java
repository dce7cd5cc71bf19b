package dev.outboxpipeline.projector;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * What the projector does when a stream thread dies. A passing failure (a broker that went away) gets a
 * new thread. The same failure again and again is deterministic (a record that can never be produced):
 * a new thread would only fail on it forever, so the application stops and {@code /health} says why.
 */
final class StreamsFailure implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsFailure.class);
    static final int SAME_FAILURES_TO_STOP = 3;
    static final Duration WITHIN = Duration.ofMinutes(5);

    private final String applicationId;
    private final Deque<Long> recent = new ArrayDeque<>();
    private String lastFailure;
    private volatile String stoppedBecause;

    StreamsFailure(String applicationId) {
        this.applicationId = applicationId;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String failure = root.getClass().getName() + ": " + root.getMessage();
        long now = System.nanoTime();
        if (!failure.equals(lastFailure)) {
            recent.clear();
            lastFailure = failure;
        }
        recent.addLast(now);
        while (now - recent.peekFirst() > WITHIN.toNanos()) {
            recent.removeFirst();
        }
        if (recent.size() >= SAME_FAILURES_TO_STOP) {
            stoppedBecause = "Kafka Streams stopped: the same failure " + recent.size() + " times in a row (" + failure
                    + "). It is not passing; nothing past it is processed, and the committed state is kept."
                    + " Fix the cause, then restart the projector (application id " + applicationId + ")";
            LOG.error("{}", stoppedBecause, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("stream thread failed; replacing it", e);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Why the application stopped, once it has. */
    Optional<String> reason() {
        return Optional.ofNullable(stoppedBecause);
    }
}
