package dev.outboxpipeline.writer.service;

/** The source database cannot be reached now (HTTP 503); the message says why. Nothing was written. */
public class UnavailableException extends RuntimeException {

    public UnavailableException(String message) {
        super(message);
    }
}
