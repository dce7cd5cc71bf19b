package dev.outboxpipeline.projector.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A customer as of one source version; {@code deleted} marks a deletion (name and email are then null). */
public record CustomerRow(String id, String name, String email, long version, long sourceTsMs,
                       @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deleted) implements Row {

    public static CustomerRow of(String id, String name, String email, long version, long sourceTsMs) {
        return new CustomerRow(id, name, email, version, sourceTsMs, false);
    }

    public static CustomerRow deletedAt(String id, long version, long sourceTsMs) {
        return new CustomerRow(id, null, null, version, sourceTsMs, true);
    }
}
