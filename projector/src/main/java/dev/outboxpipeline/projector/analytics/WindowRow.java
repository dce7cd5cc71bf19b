package dev.outboxpipeline.projector.analytics;

/** A row of a window table, as the window topics carry it: running until {@code final}. */
interface WindowRow<R extends WindowRow<R>> {

    /** The event time from which no accepted event can change this window any more, before grace. */
    long closesAtMs();

    R asFinal();
}
