package dev.outboxpipeline.writer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.writer.service.InvalidInputException;

import java.math.BigDecimal;
import java.util.UUID;

/** A request's JSON object, read field by field; every problem names the field. */
final class JsonBody {

    // amounts stay exact: 10.50 must not pass through a double
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final JsonNode node;
    private final String path;

    private JsonBody(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static JsonBody parse(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("body", "is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException("body", "must be a JSON object");
        }
        return new JsonBody(node, "");
    }

    String text(String field) {
        JsonNode v = present(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field, "must be a string");
        }
        return v.textValue();
    }

    String requiredText(String field) {
        String value = text(field);
        if (value == null) {
            throw invalid(field, "is required");
        }
        return value;
    }

    long requiredLong(String field) {
        JsonNode v = present(field);
        if (v == null) {
            throw invalid(field, "is required");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid(field, "must be a whole number");
        }
        return v.longValue();
    }

    int requiredInt(String field) {
        long value = requiredLong(field);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw invalid(field, "is out of range");
        }
        return (int) value;
    }

    BigDecimal requiredDecimal(String field) {
        JsonNode v = present(field);
        if (v == null) {
            throw invalid(field, "is required");
        }
        if (!v.isNumber()) {
            throw invalid(field, "must be a number");
        }
        return v.decimalValue();
    }

    /** A UUID, or null when absent. */
    UUID uuid(String field) {
        String value = text(field);
        return value == null ? null : Ids.parse(path + field, value);
    }

    UUID requiredUuid(String field) {
        return Ids.parse(path + field, requiredText(field));
    }

    /** The elements of an array field, each readable as an object. */
    java.util.List<JsonBody> requiredObjects(String field) {
        JsonNode v = present(field);
        if (v == null) {
            throw invalid(field, "is required");
        }
        if (!v.isArray()) {
            throw invalid(field, "must be an array");
        }
        java.util.List<JsonBody> items = new java.util.ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String at = path + field + "[" + i + "]";
            if (!v.get(i).isObject()) {
                throw new InvalidInputException(at, "must be an object");
            }
            items.add(new JsonBody(v.get(i), at + "."));
        }
        return items;
    }

    private JsonNode present(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private InvalidInputException invalid(String field, String problem) {
        return new InvalidInputException(path + field, problem);
    }
}
