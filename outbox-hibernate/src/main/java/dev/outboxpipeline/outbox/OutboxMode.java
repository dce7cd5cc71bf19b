package dev.outboxpipeline.outbox;

/** Where the outbox puts each event, in the transaction of the change. */
public enum OutboxMode {

    /** A row in the {@code outbox} table (what Debezium's EventRouter can also read). The default. */
    TABLE,

    /**
     * A transactional logical decoding message ({@code pg_logical_emit_message}, prefix {@code outbox}), in the
     * format of {@link OutboxMessages}: no heap, no index, no vacuum. Needs PostgreSQL 14 or newer.
     */
    MESSAGE
}
