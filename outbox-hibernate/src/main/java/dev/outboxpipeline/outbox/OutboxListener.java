package dev.outboxpipeline.outbox;

import java.util.List;

/**
 * Told about the outbox rows of each transaction that committed, in the order they were written.
 * Called on the committing thread after the commit; keep it quick. A transaction whose commit outcome
 * is unknown to the client (the connection broke during COMMIT) is not reported.
 */
@FunctionalInterface
public interface OutboxListener {

    OutboxListener NONE = rows -> { };

    void committed(List<OutboxRow> rows);
}
