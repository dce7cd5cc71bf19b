package dev.outboxpipeline.writer.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.writer.service.InvalidInputException;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A request's JSON object, read field by field; every problem names the field. */
final class JsonBody {

    /** The largest request body read, in bytes; an order of 100 lines needs about 25 kB. */
    static final int MAX_BODY_BYTES = 1_000_000;
    /** Bounds on what the parser builds, so that a small body cannot cost much memory or time. */
    static final int MAX_DEPTH = 16;
    static final int MAX_STRING_CHARS = 10_000;
    static final int MAX_NUMBER_DIGITS = 100;

    // amounts stay exact: 10.50 must not pass through a double; a body is one JSON object, nothing after it
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNameLength(MAX_STRING_CHARS)
                    .maxNumberLength(MAX_NUMBER_DIGITS)
                    .build())
            .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final JsonNode node;
    private final String path;

    private JsonBody(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * Reads a request body of at most {@link #MAX_BODY_BYTES}, whether it comes with a Content-Length or
     * chunked, and decodes it as strict UTF-8.
     */
    static JsonBody read(InputStream in, long declaredLength) throws IOException {
        if (declaredLength > MAX_BODY_BYTES) {
            throw new BodyTooLargeException(MAX_BODY_BYTES);
        }
        // one byte more than allowed tells a body at the limit from one beyond it, without reading the rest
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BodyTooLargeException(MAX_BODY_BYTES);
        }
        return parse(utf8(bytes));
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("body", "is not valid UTF-8");
        }
    }

    static JsonBody parse(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new InvalidInputException("body", e.getMessage().contains("nesting")
                    ? "is nested deeper than " + MAX_DEPTH + " levels"
                    : "holds a value that is too long (at most " + MAX_STRING_CHARS + " characters in a string or name, "
                    + MAX_NUMBER_DIGITS + " digits in a number)");
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
