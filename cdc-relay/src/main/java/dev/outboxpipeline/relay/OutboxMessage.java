package dev.outboxpipeline.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.outboxpipeline.contract.EventRecord;
import dev.outboxpipeline.contract.EventRecord.MalformedEventException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the content of an outbox message ({@code pg_logical_emit_message(true, 'outbox', content)}, the writer's
 * {@code WRITER_OUTBOX_MODE=message}) into the event it carries. The content is format 1 of the outbox library's
 * {@code OutboxMessages}: one JSON object with {@code format}, {@code id}, {@code type}, {@code aggregateType},
 * {@code aggregateId}, {@code aggregateVersion}, {@code payload} and, optionally, {@code traceparent} and
 * {@code tracestate}; unknown fields are ignored. The payload comes out as the outbox table's {@code jsonb} column
 * would have sent it ({@link JsonbText}).
 */
final class OutboxMessage {

    /** The prefix the outbox library emits with ({@code OutboxMessages.PREFIX}); Debezium filters on it. */
    static final String PREFIX = "outbox";
    static final int FORMAT = 1;

    private static final JsonFactory JSON = new JsonFactory();

    private OutboxMessage() {
    }

    /**
     * @throws MalformedEventException naming what is wrong: not JSON, an unknown format, a missing field
     */
    static EventRecord decode(byte[] content, long sourceLsn, long sourceTsMs) {
        Integer format = null;
        String id = null;
        String type = null;
        String aggregateType = null;
        String aggregateId = null;
        Long version = null;
        String payload = null;
        boolean payloadSeen = false;
        String traceparent = null;
        String tracestate = null;
        try (JsonParser p = JSON.createParser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedEventException("the content is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> format = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
                    case "id" -> id = text(p, field);
                    case "type" -> type = text(p, field);
                    case "aggregateType" -> aggregateType = text(p, field);
                    case "aggregateId" -> aggregateId = text(p, field);
                    case "aggregateVersion" -> version = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
                    case "payload" -> {
                        payloadSeen = true;
                        payload = value == JsonToken.VALUE_NULL ? null : JsonbText.of(p);
                    }
                    case "traceparent" -> traceparent = text(p, field);
                    case "tracestate" -> tracestate = text(p, field);
                    default -> p.skipChildren(); // a later minor addition: readers ignore fields they do not know
                }
            }
            if (p.nextToken() != null) {
                throw new MalformedEventException("the content has more after its JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("the content is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new MalformedEventException("the content is not valid JSON (" + e.getMessage() + ")");
        }
        if (format == null) {
            throw new MalformedEventException("the content has no 'format': it is not an outbox event of any known format");
        }
        if (format != FORMAT) {
            throw new MalformedEventException("the content is in format " + format + ", which this relay does not know (it reads"
                    + " format " + FORMAT + "): upgrade the relay, then replay the dead letter");
        }
        require(id, "id");
        require(aggregateType, "aggregateType");
        require(type, "type");
        if (version == null) {
            throw new MalformedEventException("the content has no whole-number 'aggregateVersion'");
        }
        if (!payloadSeen) {
            throw new MalformedEventException("the content has no 'payload' (null for a deletion)");
        }
        return new EventRecord(id, type, aggregateType, aggregateId, version,
                payload == null ? null : payload.getBytes(StandardCharsets.UTF_8), sourceLsn, sourceTsMs,
                Optional.ofNullable(traceparent), Optional.ofNullable(tracestate));
    }

    private static String text(JsonParser p, String field) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            default -> throw new MalformedEventException("the content's '" + field + "' is not a string");
        };
    }

    private static void require(String value, String field) {
        if (value == null) {
            throw new MalformedEventException("the content has no '" + field + "'");
        }
    }
}
