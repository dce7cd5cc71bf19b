package dev.outboxpipeline.writer.domain;

import dev.outboxpipeline.writer.outbox.Aggregate;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;

import java.util.UUID;

/** A shop customer: an aggregate of its own, published on {@code outbox.event.customer}. */
@Entity
@Table(name = "customer")
public class Customer implements Aggregate, NewAggregates.Creatable {

    public static final String AGGREGATE_TYPE = "customer";

    @Id
    private UUID id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String email;

    @Version
    private Long version;

    @Transient
    private boolean isNew;

    protected Customer() {
        // for Hibernate
    }

    private Customer(UUID id, String name, String email) {
        this.id = id;
        this.name = name;
        this.email = email;
        // a new aggregate starts at version 1 (Hibernate would seed 0); the API and events count from 1
        this.version = 1L;
        this.isNew = true;
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

    public UUID id() {
        return id;
    }

    @Override
    public boolean isNew() {
        return isNew;
    }

    @Override
    public String aggregateType() {
        return AGGREGATE_TYPE;
    }

    @Override
    public String aggregateId() {
        return id.toString();
    }

    @Override
    public long version() {
        return version == null ? 0 : version;
    }

    /** The state as it stands now (version as loaded or flushed). */
    public CustomerState state() {
        return new CustomerState(id, name, email, version());
    }

    /** The state once the pending change of a loaded customer is flushed: Hibernate adds one per change. */
    public CustomerState stateAfterChange() {
        return new CustomerState(id, name, email, version() + 1);
    }
}
