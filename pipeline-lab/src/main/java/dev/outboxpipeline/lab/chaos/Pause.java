package dev.outboxpipeline.lab.chaos;

import java.time.Duration;

/** The orchestrator's waits: a chaos run is made of them, and an interrupt ends the run. */
final class Pause {

    private Pause() {
    }

    static void of(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
