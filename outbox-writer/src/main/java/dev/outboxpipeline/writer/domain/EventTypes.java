package dev.outboxpipeline.writer.domain;

/** The event types of the shop (docs/event-format.md). */
public final class EventTypes {

    public static final String CUSTOMER_CREATED = "CustomerCreated";
    public static final String CUSTOMER_UPDATED = "CustomerUpdated";
    public static final String CUSTOMER_DELETED = "CustomerDeleted";
    public static final String ORDER_PLACED = "OrderPlaced";
    /** The status or the customer of an order changed. */
    public static final String ORDER_UPDATED = "OrderUpdated";
    public static final String ORDER_DELETED = "OrderDeleted";
    /** The current state of an existing aggregate, published by {@code ./pipeline snapshot}; its version is unchanged. */
    public static final String CUSTOMER_SNAPSHOT = "CustomerSnapshot";
    public static final String ORDER_SNAPSHOT = "OrderSnapshot";

    private EventTypes() {
    }
}
