package dev.outboxpipeline.writer.domain;

import dev.outboxpipeline.outbox.AggregateState;

import java.util.UUID;

/** A customer's full state: the payload of its events and the writer's HTTP answers. */
public record CustomerState(UUID id, String name, String email, long version) implements AggregateState {
}
