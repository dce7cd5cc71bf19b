package dev.outboxpipeline.writer.service;

/**
 * The aggregate changed since the client saw it: a stale version, or a concurrent change that won
 * (HTTP 409). Nothing was written; read the aggregate again and retry.
 */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }

    static ConflictException staleVersion(String what, Object id, long expected, long actual) {
        return new ConflictException(what + " " + id + " is at version " + actual + ", not " + expected
                + ": read it again and retry with the current version");
    }
}
