package dev.outboxpipeline.projector.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.TraceContext;
import dev.outboxpipeline.projector.model.CustomerRow;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.model.LineItem;
import dev.outboxpipeline.projector.model.Order;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns an event record (docs/event-format.md) into a row, or throws {@link PoisonEventException}
 * saying what is wrong. Everything the sink needs is checked here, so that a bad event goes to the
 * dead-letter topic instead of stopping the sink writer later.
 */
public final class EventParser {

    /** Parses one aggregate's event: key, payload (null for a delete), headers, record timestamp. */
    @FunctionalInterface
    public interface Of<T> {
        T parse(String key, byte[] value, Headers headers, long recordTimestamp);
    }

    private EventParser() {
    }

    public static CustomerRow customer(String key, byte[] value, Headers headers, long recordTimestamp) {
        requireUuid("key", key);
        long ts = sourceTs(headers, recordTimestamp);
        if (value == null) {
            return CustomerRow.deletedAt(key, tombstoneVersion(headers), ts).withTrace(trace(headers));
        }
        JsonNode p = payload(value);
        requireSameId(key, p);
        return CustomerRow.of(key, text(p, "name"), text(p, "email"), version(p), ts).withTrace(trace(headers));
    }

    public static Order order(String key, byte[] value, Headers headers, long recordTimestamp) {
        requireUuid("key", key);
        long ts = sourceTs(headers, recordTimestamp);
        if (value == null) {
            return Order.deletedAt(key, tombstoneVersion(headers), ts).withTrace(trace(headers));
        }
        JsonNode p = payload(value);
        requireSameId(key, p);
        String customerId = text(p, "customerId");
        requireUuid("customerId", customerId);
        JsonNode lines = p.get("lines");
        if (lines == null || !lines.isArray()) {
            throw new PoisonEventException("field 'lines' is missing or not an array");
        }
        List<LineItem> parsed = new ArrayList<>();
        for (JsonNode line : lines) {
            parsed.add(new LineItem(integer(line, "lineNo"), text(line, "sku"), integer(line, "quantity"),
                    decimal(line, "unitPrice")));
        }
        return Order.of(key, customerId, text(p, "status"), decimal(p, "total"), parsed, version(p), ts)
                .withTrace(trace(headers));
    }

    /** The W3C trace context of the write, when the event carries a valid one (a bad one is not poison). */
    public static Optional<TraceContext> trace(Headers headers) {
        return HeaderValues.text(headers, EventHeaders.TRACEPARENT).flatMap(parent ->
                TraceContext.of(parent, HeaderValues.text(headers, EventHeaders.TRACESTATE)
                        .orElse(null)));
    }

    private static JsonNode payload(byte[] value) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw new PoisonEventException("payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PoisonEventException("payload is not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new PoisonEventException("payload is not a JSON object");
        }
        return node;
    }

    private static void requireSameId(String key, JsonNode payload) {
        String id = text(payload, "id");
        if (!id.equals(key)) {
            throw new PoisonEventException("payload id " + id + " differs from the record key " + key);
        }
    }

    private static void requireUuid(String what, String value) {
        try {
            if (value == null || !UUID.fromString(value).toString().equalsIgnoreCase(value)) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException(what + " is not a UUID: " + value);
        }
    }

    private static long tombstoneVersion(Headers headers) {
        return HeaderValues.number(headers, EventHeaders.AGGREGATE_VERSION).orElseThrow(() ->
                new PoisonEventException("tombstone without a numeric '" + EventHeaders.AGGREGATE_VERSION + "' header"));
    }

    private static long sourceTs(Headers headers, long recordTimestamp) {
        return HeaderValues.number(headers, EventHeaders.SOURCE_TS_MS).orElse(recordTimestamp);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new PoisonEventException("field '" + field + "' is missing or not a non-empty string");
        }
        return v.asText();
    }

    private static long version(JsonNode node) {
        JsonNode v = node.get("version");
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 1) {
            throw new PoisonEventException("field 'version' is missing or not a positive whole number");
        }
        return v.asLong();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw new PoisonEventException("field '" + field + "' is missing or not a whole number");
        }
        return v.asInt();
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new PoisonEventException("field '" + field + "' is missing or not a number");
        }
        return v.decimalValue();
    }
}
