package dev.outboxpipeline.outbox.parcel;

import dev.outboxpipeline.outbox.Aggregate;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.util.UUID;

/** A parcel of a delivery service: an aggregate that has nothing to do with the shop. */
@Entity
@Table(name = "parcel")
public class Parcel implements Aggregate {

    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    private UUID id;

    @Column(nullable = false)
    private String destination;

    @Column(nullable = false)
    private String status;

    // kept at 1 by Hibernate on insert (it seeds only a null version), so the first event carries version 1
    @Version
    private Long version = 1L;

    protected Parcel() {
        // for Hibernate
    }

    public Parcel(String destination) {
        this.destination = destination;
        this.status = "REGISTERED";
    }

    public void ship() {
        status = "SHIPPED";
    }

    public UUID id() {
        return id;
    }

    @Override
    public String aggregateType() {
        return "parcel";
    }

    @Override
    public String aggregateId() {
        return id.toString();
    }

    @Override
    public long version() {
        return version;
    }

    public ParcelState state() {
        return new ParcelState(id, destination, status, version);
    }

    /** The state once the pending change of a loaded parcel is flushed: Hibernate adds one to the version. */
    public ParcelState stateAfterChange() {
        return new ParcelState(id, destination, status, version + 1);
    }
}
