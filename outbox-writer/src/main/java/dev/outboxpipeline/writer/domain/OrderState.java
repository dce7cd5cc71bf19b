package dev.outboxpipeline.writer.domain;

import dev.outboxpipeline.outbox.AggregateState;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/** An order's full state with its lines: the payload of its events and the writer's HTTP answers. */
public record OrderState(UUID id, UUID customerId, OrderStatus status, BigDecimal total, long version,
                         List<LineState> lines) implements AggregateState {
}
