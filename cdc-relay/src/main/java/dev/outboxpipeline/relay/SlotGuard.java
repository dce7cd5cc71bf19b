package dev.outboxpipeline.relay;

import java.util.Optional;

/**
 * The checks the relay runs before the engine starts, because Debezium would recreate a missing slot and
 * stream from an offset that means nothing there: each refusal names what may be lost and the recovery.
 */
final class SlotGuard {

    static final String RESET = "./pipeline relay reset --accept-gap";

    private SlotGuard() {
    }

    /** Why the relay must not stream, or empty when it may. */
    static Optional<String> refusal(Optional<OffsetsTopic.Committed> committed, Optional<SourceAdmin.SlotState> slot,
                                    DatabaseIdentity current) {
        String name = current.slot();
        if (slot.isPresent() && !slot.get().database().equals(current.database())) {
            return Optional.of("replication slot " + name + " belongs to database " + slot.get().database() + ", not "
                    + current.database() + ": another relay streams from it. Nothing was relayed. Set RELAY_SLOT_NAME to a "
                    + "slot of its own for this database");
        }
        if (slot.isPresent() && "lost".equals(slot.get().walStatus())) {
            return Optional.of("replication slot " + name + " is lost (wal_status=lost: the server removed WAL it still "
                    + "needed, e.g. beyond max_slot_wal_keep_size). Outbox events committed after LSN "
                    + lsn(slot.get().confirmedFlushLsn()) + " may never reach Kafka. After deciding how to repair the read "
                    + "model, run " + RESET + " (it drops the slot; the relay then streams from a new one)");
        }
        if (committed.isEmpty()) {
            return Optional.empty();
        }
        OffsetsTopic.Committed c = committed.get();
        if (c.identity().isPresent() && !sameStream(c.identity().get(), current)) {
            return Optional.of("the committed offset belongs to another database (" + c.identity().get().describe()
                    + "), but the relay is connected to " + current.describe() + ". Its LSN means nothing here: streaming "
                    + "would silently skip this database's events. Fix SOURCE_DB_URL or RELAY_SLOT_NAME, or, if this "
                    + "database is meant to replace the old one (a restore, a failover), run " + RESET);
        }
        if (slot.isEmpty()) {
            return Optional.of("replication slot " + name + " does not exist, but an offset was committed at LSN "
                    + lsn(c.lsn()) + ": the slot was dropped or lost (a failover without failover slots?). Outbox events "
                    + "committed after that LSN and before a new slot is created may never reach Kafka. Run " + RESET
                    + " to stream on from a new slot");
        }
        long flushed = slot.get().confirmedFlushLsn();
        if (flushed > c.lsn()) {
            return Optional.of("replication slot " + name + " has confirmed LSN " + lsn(flushed) + ", past the committed "
                    + "offset at LSN " + lsn(c.lsn()) + ": the slot was recreated or advanced by someone else, so outbox "
                    + "events between the two may never reach Kafka. Run " + RESET + " to stream on from the slot");
        }
        return Optional.empty();
    }

    private static boolean sameStream(DatabaseIdentity a, DatabaseIdentity b) {
        return a.systemIdentifier().equals(b.systemIdentifier()) && a.timeline() == b.timeline()
                && a.database().equals(b.database()) && a.slot().equals(b.slot());
    }

    /** PostgreSQL's text form of an LSN, e.g. {@code 0/16B3748}. */
    static String lsn(long value) {
        return value < 0 ? "(none)" : Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
