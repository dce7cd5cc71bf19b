package dev.outboxpipeline.writer.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.util.UUID;

/** A shop customer: an aggregate of its own, published on {@code outbox.event.customer}. */
@Entity
@Table(name = "customer")
public class Customer extends AggregateRoot {

    public static final String AGGREGATE_TYPE = "customer";

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String email;

    protected Customer() {
        // for Hibernate
    }

    private Customer(UUID id, String name, String email) {
        super(id);
        this.name = name;
        this.email = email;
    }

    public static Customer create(String name, String email) {
        return new Customer(UUID.randomUUID(), name, email);
    }

    /** Changes name and email; returns false when both are already so (nothing to write, no new version). */
    public boolean change(String name, String email) {
        if (this.name.equals(name) && this.email.equals(email)) {
            return false;
        }
        this.name = name;
        this.email = email;
        return true;
    }

    @Override
    public String aggregateType() {
        return AGGREGATE_TYPE;
    }

    /** The state as it stands now (version as loaded or flushed). */
    public CustomerState state() {
        return new CustomerState(id(), name, email, version());
    }

    /** The state once the pending change of a loaded customer is flushed: Hibernate adds one per change. */
    public CustomerState stateAfterChange() {
        return new CustomerState(id(), name, email, version() + 1);
    }
}
