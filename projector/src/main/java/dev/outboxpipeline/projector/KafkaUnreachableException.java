package dev.outboxpipeline.projector;

/** Kafka did not answer; the projector waits for it and says so in {@code /health}. */
final class KafkaUnreachableException extends IllegalStateException {

    KafkaUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
