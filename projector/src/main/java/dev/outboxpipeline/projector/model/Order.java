package dev.outboxpipeline.projector.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;

/** An order with its lines as of one source version; {@code deleted} marks a deletion. */
public record Order(String id, String customerId, String status, BigDecimal total, List<LineItem> lines,
                    long version, long sourceTsMs,
                    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deleted) implements OrderFields {

    public Order {
        lines = lines == null ? null : List.copyOf(lines);
    }

    public static Order of(String id, String customerId, String status, BigDecimal total, List<LineItem> lines,
                           long version, long sourceTsMs) {
        return new Order(id, customerId, status, total, lines, version, sourceTsMs, false);
    }

    public static Order deletedAt(String id, long version, long sourceTsMs) {
        return new Order(id, null, null, null, null, version, sourceTsMs, true);
    }
}
