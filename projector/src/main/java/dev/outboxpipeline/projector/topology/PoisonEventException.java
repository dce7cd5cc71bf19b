package dev.outboxpipeline.projector.topology;

/** An event the projector cannot project; the message is the reason written to the dead-letter topic. */
public final class PoisonEventException extends RuntimeException {

    public PoisonEventException(String reason) {
        super(reason, null, false, false);
    }
}
