package dev.outboxpipeline.relay;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.TraceContext;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Struct;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns one decoded outbox insert into the record of the README's event format, or into a dead letter
 * when it cannot be routed or published. The payload's JSON text is sent as decoded, never re-encoded.
 */
final class OutboxRouter {

    /** Room for the record batch header, key and header framing on top of the raw bytes. */
    private static final int RECORD_OVERHEAD = 512;

    private final int maxRecordBytes;

    OutboxRouter(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Either {@code event} or {@code deadLetter} is set. */
    record Routed(ProducerRecord<byte[], byte[]> event, ProducerRecord<byte[], byte[]> deadLetter) {
    }

    Routed route(Struct after, Struct source) {
        String id = after.getString("id");
        String aggregateType = after.getString("aggregatetype");
        String aggregateId = after.getString("aggregateid");
        String payload = after.getString("payload");
        RecordHeaders headers = new RecordHeaders();
        header(headers, "id", id);
        header(headers, "type", after.getString("type"));
        header(headers, "aggregate-version", String.valueOf(after.getInt64("aggregate_version")));
        header(headers, "source-lsn", String.valueOf(source.getInt64("lsn")));
        header(headers, "source-ts-ms", String.valueOf(source.getInt64("ts_ms")));
        traceContext(after).ifPresent(t -> {
            header(headers, EventHeaders.TRACEPARENT, t.traceparent());
            header(headers, EventHeaders.TRACESTATE, t.tracestate().orElse(null));
        });

        String topic = RelaySettings.EVENT_TOPIC_PREFIX + aggregateType;
        if (aggregateId == null) {
            return deadLetter(id, aggregateType, aggregateId, payload, headers, "aggregateid is null: an event needs a key");
        }
        if (!Topics.isLegalName(topic)) {
            return deadLetter(id, aggregateType, aggregateId, payload, headers, "aggregatetype '" + aggregateType
                    + "' does not make a legal topic name (letters, digits, '.', '_', '-'; at most 249 characters)");
        }
        byte[] key = aggregateId.getBytes(StandardCharsets.UTF_8);
        byte[] value = payload == null ? null : payload.getBytes(StandardCharsets.UTF_8);
        int size = key.length + (value == null ? 0 : value.length) + 128 + RECORD_OVERHEAD
                + traceContext(after).map(t -> t.toColumn().length()).orElse(0);
        if (size > maxRecordBytes) {
            return deadLetter(id, aggregateType, aggregateId, null, headers, "record of about " + size
                    + " bytes exceeds the producer's max.request.size of " + maxRecordBytes + " bytes");
        }
        return new Routed(new ProducerRecord<>(topic, null, key, value, headers), null);
    }

    /** The write's trace context; none when the row has none, or the table predates the column (V4). */
    private static Optional<TraceContext> traceContext(Struct after) {
        return after.schema().field(TraceContext.COLUMN) == null ? Optional.empty()
                : TraceContext.fromColumn(after.getString(TraceContext.COLUMN));
    }

    private static Routed deadLetter(String id, String aggregateType, String aggregateId, String payload,
                                     RecordHeaders headers, String reason) {
        header(headers, "dlq-reason", reason);
        header(headers, "aggregate-type", aggregateType);
        if (aggregateId != null) {
            header(headers, "aggregate-id", aggregateId);
        }
        byte[] value = payload == null ? null : payload.getBytes(StandardCharsets.UTF_8);
        // keyed by the event id: unique, so the dead-letter topic keeps every letter
        return new Routed(null, new ProducerRecord<>(RelaySettings.DLQ_TOPIC, null,
                id.getBytes(StandardCharsets.UTF_8), value, headers));
    }

    /**
     * An event too large for its topic goes to the dead-letter topic instead, with the reason; with its
     * payload only when that still fits {@code deadLetterLimit}.
     */
    static ProducerRecord<byte[], byte[]> redirect(ProducerRecord<byte[], byte[]> event, String reason, int deadLetterLimit) {
        RecordHeaders headers = new RecordHeaders(event.headers().toArray());
        header(headers, "dlq-reason", reason);
        header(headers, "aggregate-type", event.topic().substring(RelaySettings.EVENT_TOPIC_PREFIX.length()));
        header(headers, "aggregate-id", new String(event.key(), StandardCharsets.UTF_8));
        byte[] id = event.headers().lastHeader("id").value();
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(RelaySettings.DLQ_TOPIC, null, id, event.value(), headers);
        if (estimatedSize(letter) > deadLetterLimit) {
            header(headers, "dlq-payload-omitted", "the payload does not fit the dead-letter topic either");
            letter = new ProducerRecord<>(RelaySettings.DLQ_TOPIC, null, id, null, headers);
        }
        return letter;
    }

    /** An upper bound of the bytes a record takes in a batch of its own, as the broker checks {@code max.message.bytes}. */
    static int estimatedSize(ProducerRecord<byte[], byte[]> record) {
        long size = RECORD_OVERHEAD + (record.key() == null ? 0 : record.key().length)
                + (record.value() == null ? 0 : record.value().length);
        for (org.apache.kafka.common.header.Header h : record.headers()) {
            size += h.key().length() * 4L + (h.value() == null ? 0 : h.value().length) + 10;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
