package dev.outboxpipeline.relay;

/** A dependency (the broker, the source database) did not answer: the relay waits and tries again, it does not exit. */
final class Unreachable extends RuntimeException {

    Unreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
