package dev.outboxpipeline.writer.service;

/** A field of the request is missing or wrong (HTTP 400); the message names it. Nothing was written. */
public class InvalidInputException extends RuntimeException {

    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
