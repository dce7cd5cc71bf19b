package dev.outboxpipeline.projector.model;

/**
 * A read-model row as the state stores keep it: a live row, or a deletion marker that remembers the
 * version of the delete, so that an older event arriving later never brings the row back.
 */
public interface Row {

    String id();

    /** The source aggregate version this row reflects. */
    long version();

    /** Source commit time (epoch milliseconds) of the event behind this row, for end-to-end lag. */
    long sourceTsMs();

    boolean deleted();
}
