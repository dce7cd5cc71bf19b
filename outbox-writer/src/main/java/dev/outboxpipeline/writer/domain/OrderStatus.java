package dev.outboxpipeline.writer.domain;

/** Where an order stands. Any status may follow any other: the writer records, it does not police workflow. */
public enum OrderStatus {
    PLACED, PAID, SHIPPED, DELIVERED, CANCELLED
}
