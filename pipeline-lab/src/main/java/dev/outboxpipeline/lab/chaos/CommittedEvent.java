package dev.outboxpipeline.lab.chaos;

/** An outbox event the source committed, as the kept outbox rows record it (not as the relay saw it). */
public record CommittedEvent(String id, String aggregateType, String aggregateId, long version, String type) {
}
