package dev.outboxpipeline.writer.domain;

import org.hibernate.Interceptor;

/**
 * Tells Hibernate that an aggregate made by a factory ({@code Customer.create}, {@code PurchaseOrder.place})
 * is new. New aggregates start at version 1, as the API and the events count; with an assigned id and a
 * version already set, Hibernate would otherwise take them for detached rows.
 */
final class NewAggregates implements Interceptor {

    /** An entity that knows whether a factory just made it. */
    interface Creatable {
        boolean isNew();
    }

    @Override
    public Boolean isTransient(Object entity) {
        return entity instanceof Creatable c && c.isNew() ? Boolean.TRUE : null;
    }
}
