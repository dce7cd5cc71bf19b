package dev.outboxpipeline.outbox;

import java.util.Objects;

/**
 * How the outbox writes its events.
 *
 * @param removeAfterInsert in table mode, delete each row in the transaction that inserted it (the insert still
 *                          reaches the write-ahead log); when off, rows stay until {@link OutboxTable#purge}
 *                          removes them. Message mode writes no row.
 * @param mode              a row in the outbox table, or a logical decoding message
 * @param traceContext      the trace context stored with each event ({@link TraceContextSource#NONE}: none)
 */
public record OutboxOptions(boolean removeAfterInsert, OutboxMode mode, TraceContextSource traceContext) {

    public OutboxOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(traceContext, "traceContext: TraceContextSource.NONE for none");
    }

    public OutboxOptions(boolean removeAfterInsert, OutboxMode mode) {
        this(removeAfterInsert, mode, TraceContextSource.NONE);
    }

    /** The default: rows are inserted and deleted in the same transaction, the table stays empty. */
    public static OutboxOptions removingRows() {
        return new OutboxOptions(true, OutboxMode.TABLE);
    }

    /** Rows stay in the table (every committed event can be read back), until purged. */
    public static OutboxOptions keepRows() {
        return new OutboxOptions(false, OutboxMode.TABLE);
    }

    /** Each event is a transactional logical decoding message instead of a row (PostgreSQL 14 or newer). */
    public static OutboxOptions messages() {
        return new OutboxOptions(false, OutboxMode.MESSAGE);
    }

    /** These options, storing the trace context that {@code source} gives with each event. */
    public OutboxOptions withTraceContext(TraceContextSource source) {
        return new OutboxOptions(removeAfterInsert, mode, source);
    }
}
