package dev.outboxpipeline.projector.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.topology.HeaderValues;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.util.UUID;

/**
 * Reads the little the analytics need from an event. An event it cannot read is left out (null):
 * the read model sends it to the dead-letter topic with the reason.
 */
final class ActivityParser {

    static final String ORDER_PLACED = "OrderPlaced";

    private ActivityParser() {
    }

    static Activity customer(String key, byte[] value) {
        return uuid(key) ? Activity.change(key) : null;
    }

    /** An order's deletion carries no customer: it is not counted as the customer's activity. */
    static Activity order(byte[] value, Headers headers) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode p = Json.MAPPER.readTree(value);
            JsonNode customer = p == null ? null : p.get("customerId");
            if (customer == null || !customer.isTextual() || !uuid(customer.asText())) {
                return null;
            }
            boolean placed = HeaderValues.text(headers, EventHeaders.TYPE).map(ORDER_PLACED::equals).orElse(false);
            JsonNode total = p.get("total");
            if (placed && (total == null || !total.isNumber())) {
                return null;
            }
            return placed ? Activity.placement(customer.asText(), total.decimalValue()) : Activity.change(customer.asText());
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean uuid(String s) {
        try {
            return s != null && UUID.fromString(s).toString().equalsIgnoreCase(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
