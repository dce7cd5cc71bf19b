package dev.outboxpipeline.outbox.parcel;

import dev.outboxpipeline.outbox.AggregateState;

import java.util.UUID;

/** What a parcel event carries: the parcel's full state after the change. */
public record ParcelState(UUID id, String destination, String status, long version) implements AggregateState {
}
