package dev.outboxpipeline.outbox;

/** The full state of an aggregate as an event carries it (serialised to the outbox payload as JSON). */
public interface AggregateState {

    /** The aggregate's version this state is of: the version after the change. */
    long version();
}
