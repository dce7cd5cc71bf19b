package dev.outboxpipeline.writer.domain;

/** The event types of the shop (README, "Event format"). */
public final class EventTypes {

    public static final String CUSTOMER_CREATED = "CustomerCreated";
    public static final String CUSTOMER_UPDATED = "CustomerUpdated";
    public static final String CUSTOMER_DELETED = "CustomerDeleted";
    public static final String ORDER_PLACED = "OrderPlaced";
    /** The status or the customer of an order changed. */
    public static final String ORDER_UPDATED = "OrderUpdated";
    public static final String ORDER_DELETED = "OrderDeleted";

    private EventTypes() {
    }
}
