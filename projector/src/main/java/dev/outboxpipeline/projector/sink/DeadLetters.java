package dev.outboxpipeline.projector.sink;

import java.util.List;

/**
 * Where rejected read-model records go. {@link #publish} returns once the dead letters are acknowledged:
 * the sink commits after it, so a crash in between sends a dead letter twice but never loses one.
 */
interface DeadLetters {

    DeadLetters NONE = rejected -> {
        if (!rejected.isEmpty()) {
            throw new IllegalStateException("rejected records but no dead-letter topic: " + rejected);
        }
    };

    void publish(List<Rejected> rejected);
}
