package dev.outboxpipeline.writer.domain;

import org.hibernate.Interceptor;

/**
 * Tells Hibernate that an aggregate made by a factory ({@code Customer.create}, {@code PurchaseOrder.place})
 * is new. New aggregates start at version 1; with an assigned id and a version already set, Hibernate
 * would otherwise take them for detached rows.
 */
final class NewAggregates implements Interceptor {

    @Override
    public Boolean isTransient(Object entity) {
        return entity instanceof AggregateRoot root && root.isNew() ? Boolean.TRUE : null;
    }
}
