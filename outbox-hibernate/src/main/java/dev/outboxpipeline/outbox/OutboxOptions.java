package dev.outboxpipeline.outbox;

/**
 * How the outbox writes its rows.
 *
 * @param removeAfterInsert delete each row in the transaction that inserted it (the insert still reaches the
 *                          write-ahead log); when off, rows stay until {@link OutboxTable#purge} removes them
 */
public record OutboxOptions(boolean removeAfterInsert) {

    /** The default: rows are inserted and deleted in the same transaction, the table stays empty. */
    public static OutboxOptions removingRows() {
        return new OutboxOptions(true);
    }

    /** Rows stay in the table (every committed event can be read back), until purged. */
    public static OutboxOptions keepRows() {
        return new OutboxOptions(false);
    }
}
