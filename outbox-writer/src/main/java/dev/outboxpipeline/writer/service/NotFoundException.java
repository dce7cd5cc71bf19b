package dev.outboxpipeline.writer.service;

/** The request names an aggregate that does not exist (HTTP 404). Nothing was written. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
