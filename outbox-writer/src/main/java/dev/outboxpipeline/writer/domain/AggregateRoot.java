package dev.outboxpipeline.writer.domain;

import dev.outboxpipeline.outbox.Aggregate;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;

import java.util.UUID;

/** What the shop's aggregate roots share: a UUID id and the optimistic-lock version their events carry. */
@MappedSuperclass
public abstract class AggregateRoot implements Aggregate {

    @Id
    private UUID id;

    @Version
    private Long version;

    // set by the factories, read by NewAggregates; never stored
    @Transient
    private boolean isNew;

    protected AggregateRoot() {
        // for Hibernate
    }

    /** A new aggregate: version 1 (Hibernate would seed 0; the API and the events count from 1). */
    protected AggregateRoot(UUID id) {
        this.id = id;
        this.version = 1L;
        this.isNew = true;
    }

    public UUID id() {
        return id;
    }

    @Override
    public String aggregateId() {
        return id.toString();
    }

    @Override
    public long version() {
        return version == null ? 0 : version;
    }

    boolean isNew() {
        return isNew;
    }
}
