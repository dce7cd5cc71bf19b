package dev.outboxpipeline.outbox;

import java.util.Objects;

/**
 * Something that happened to one aggregate, to be recorded with {@link Outbox#record}. Built only by
 * {@link #changed} (carrying the state after the change and its version) or {@link #deleted} (no state;
 * the version is one past the deleted row's), so an event cannot lack a version.
 *
 * @param type          event type, e.g. {@code CustomerUpdated}
 * @param root          the aggregate root, checked at commit to hold {@code version} (null for deletions)
 * @param aggregateType routes the event, e.g. {@code customer}
 * @param aggregateId   the record key
 * @param version       the aggregate's version after the change
 * @param state         the full state after the change, or null for a deletion
 */
public record AggregateEvent(String type, Aggregate root, String aggregateType, String aggregateId, long version,
                             AggregateState state) {

    public AggregateEvent {
        requireText(type, "type");
        requireText(aggregateType, "aggregateType");
        requireText(aggregateId, "aggregateId");
        if (version < 1) {
            throw new IllegalArgumentException("an event's aggregate version starts at 1, not " + version);
        }
    }

    /**
     * The aggregate changed (was created or updated) and now has {@code after}. At commit the outbox checks
     * that the flushed row's version equals {@code after.version()}, so a payload can never carry a version
     * other than the one committed.
     */
    public static AggregateEvent changed(String type, Aggregate root, AggregateState after) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(after, "after: a change event carries the state after the change");
        return new AggregateEvent(type, root, root.aggregateType(), root.aggregateId(), after.version(), after);
    }

    /**
     * The aggregate, last seen at {@code root.version()}, was deleted. The event has a null payload (a
     * tombstone downstream) and version {@code root.version() + 1}, so that versions keep increasing and
     * a consumer comparing versions applies the deletion after the last change.
     */
    public static AggregateEvent deleted(String type, Aggregate root) {
        Objects.requireNonNull(root, "root");
        return new AggregateEvent(type, null, root.aggregateType(), root.aggregateId(), root.version() + 1, null);
    }

    public boolean isDeletion() {
        return state == null;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an event needs a " + name);
        }
    }
}
