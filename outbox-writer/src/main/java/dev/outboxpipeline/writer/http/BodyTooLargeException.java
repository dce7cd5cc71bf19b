package dev.outboxpipeline.writer.http;

/** The request body is beyond the writer's limit (HTTP 413). Nothing was read past the limit, nothing written. */
final class BodyTooLargeException extends RuntimeException {

    BodyTooLargeException(int limit) {
        super("body is larger than " + limit + " bytes");
    }
}
