package dev.outboxpipeline.outbox;

/**
 * An aggregate root whose changes are published through the outbox. Its {@link #version()} is the
 * optimistic-lock version ({@code @Version}) that Hibernate increments by one on each flushed change.
 */
public interface Aggregate {

    /** Routes the events to topic {@code outbox.event.<aggregateType>}, e.g. {@code customer}. */
    String aggregateType();

    /** The Kafka record key of its events. */
    String aggregateId();

    /** The version as Hibernate currently holds it (after a flush: the version the database row has). */
    long version();
}
