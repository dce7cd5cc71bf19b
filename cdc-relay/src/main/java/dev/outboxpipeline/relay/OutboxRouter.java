package dev.outboxpipeline.relay;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import dev.outboxpipeline.contract.TopicNames;
import dev.outboxpipeline.contract.TraceContext;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Struct;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns one decoded outbox event, an outbox row's insert or an outbox message, into the record of the event format
 * ({@link EventRecord}), or into a dead letter when it cannot be routed or published. Both sources give the same
 * record for the same event. A table payload's JSON text is sent as decoded, never re-encoded.
 */
final class OutboxRouter {

    /** Room for the record batch header, key and header framing on top of the raw bytes. */
    private static final int RECORD_OVERHEAD = 512;

    private final int maxRecordBytes;
    private final EventRecord.HeaderEncoder headerEncoder;

    OutboxRouter(int maxRecordBytes, Optional<String> cloudEventsSource) {
        this.maxRecordBytes = maxRecordBytes;
        this.headerEncoder = new EventRecord.HeaderEncoder(cloudEventsSource);
    }

    /** What becomes of one outbox event. */
    sealed interface Routed {
        ProducerRecord<byte[], byte[]> record();
    }

    /** A valid event, for its aggregate type's topic. */
    record Event(EventRecord event, ProducerRecord<byte[], byte[]> record) implements Routed {
    }

    /** For the dead-letter topic, with the reason in its {@code dlq-reason} header. */
    record DeadLetter(String reason, ProducerRecord<byte[], byte[]> record) implements Routed {
    }

    /** An outbox row's insert: {@code after} as Debezium decoded the row, {@code source} its position. */
    Routed route(Struct after, Struct source) {
        Optional<TraceContext> trace = traceContext(after);
        return route(new EventRecord(after.getString("id"), after.getString("type"), after.getString("aggregatetype"),
                after.getString("aggregateid"), after.getInt64("aggregate_version"), utf8(after.getString("payload")),
                source.getInt64("lsn"), source.getInt64("ts_ms"), trace.map(TraceContext::traceparent),
                trace.flatMap(TraceContext::tracestate)));
    }

    /** The write's trace context; none when the row has none, or the table predates the column (V4). */
    private static Optional<TraceContext> traceContext(Struct after) {
        return after.schema().field(TraceContext.COLUMN) == null ? Optional.empty()
                : TraceContext.fromColumn(after.getString(TraceContext.COLUMN));
    }

    /** An outbox message: {@code message} as Debezium emits it ({@code prefix}, {@code content}), {@code source} its position. */
    Routed routeMessage(Struct message, Struct source) {
        long lsn = source.getInt64("lsn");
        long tsMs = source.getInt64("ts_ms");
        byte[] content = bytes(message.get("content"));
        if (source.get("txId") == null) {
            return undecodable(content, lsn, tsMs, "the outbox message is not transactional (pg_logical_emit_message(false, …)):"
                    + " it did not commit with a transaction, so it may describe a change that never happened");
        }
        EventRecord event;
        try {
            event = OutboxMessage.decode(content, lsn, tsMs);
        } catch (EventRecord.MalformedEventException e) {
            return undecodable(content, lsn, tsMs, e.getMessage());
        }
        return route(event);
    }

    Routed route(EventRecord e) {
        RecordHeaders headers = headers(e);
        if (e.aggregateId() == null) {
            return deadLetter(e, headers, e.payload(), "aggregateid is null: an event needs a key");
        }
        if (!TopicNames.isLegal(e.topic())) {
            return deadLetter(e, headers, e.payload(), "aggregatetype '" + e.aggregateType()
                    + "' does not make a legal topic name (letters, digits, '.', '_', '-'; at most 249 characters)");
        }
        byte[] key = e.key();
        int size = key.length + (e.payload() == null ? 0 : e.payload().length) + 128 + RECORD_OVERHEAD
                + e.traceparent().map(String::length).orElse(0) + e.tracestate().map(String::length).orElse(0);
        if (size > maxRecordBytes) {
            return deadLetter(e, headers, null, "record of about " + size
                    + " bytes exceeds the producer's max.request.size of " + maxRecordBytes + " bytes");
        }
        return new Event(e, new ProducerRecord<>(e.topic(), null, key, e.payload(), headers));
    }

    private RecordHeaders headers(EventRecord e) {
        RecordHeaders headers = new RecordHeaders();
        headerEncoder.write(e, headers::add);
        return headers;
    }

    private static DeadLetter deadLetter(EventRecord e, RecordHeaders headers, byte[] value, String reason) {
        headers.add(EventHeaders.DLQ_REASON, utf8(reason));
        headers.add(EventHeaders.DLQ_AGGREGATE_TYPE, utf8(e.aggregateType()));
        if (e.aggregateId() != null) {
            headers.add(EventHeaders.DLQ_AGGREGATE_ID, utf8(e.aggregateId()));
        }
        // keyed by the event id: unique, so the dead-letter topic keeps every letter
        return new DeadLetter(reason, new ProducerRecord<>(TopicNames.RELAY_DEAD_LETTERS, null, utf8(e.id()), value, headers));
    }

    /** Content that is not an event: kept whole as the letter's value, with its position, so nothing is lost. */
    private static DeadLetter undecodable(byte[] content, long lsn, long tsMs, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.SOURCE_LSN, utf8(Long.toString(lsn)));
        headers.add(EventHeaders.SOURCE_TS_MS, utf8(Long.toString(tsMs)));
        headers.add(EventHeaders.DLQ_REASON, utf8(reason));
        return new DeadLetter(reason, new ProducerRecord<>(TopicNames.RELAY_DEAD_LETTERS, null, (byte[]) null, content, headers));
    }

    /**
     * An event too large for its topic goes to the dead-letter topic instead, with the reason; with its
     * payload only when that still fits {@code deadLetterLimit}.
     */
    static DeadLetter redirect(Event event, String reason, int deadLetterLimit) {
        ProducerRecord<byte[], byte[]> r = event.record();
        RecordHeaders headers = new RecordHeaders(r.headers().toArray());
        headers.add(EventHeaders.DLQ_REASON, utf8(reason));
        headers.add(EventHeaders.DLQ_AGGREGATE_TYPE, utf8(event.event().aggregateType()));
        headers.add(EventHeaders.DLQ_AGGREGATE_ID, r.key());
        byte[] id = utf8(event.event().id());
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(TopicNames.RELAY_DEAD_LETTERS, null, id, r.value(), headers);
        if (estimatedSize(letter) > deadLetterLimit) {
            headers.add("dlq-payload-omitted", utf8("the payload does not fit the dead-letter topic either"));
            letter = new ProducerRecord<>(TopicNames.RELAY_DEAD_LETTERS, null, id, null, headers);
        }
        return new DeadLetter(reason, letter);
    }

    /** An upper bound of the bytes a record takes in a batch of its own, as the broker checks {@code max.message.bytes}. */
    static int estimatedSize(ProducerRecord<byte[], byte[]> record) {
        long size = RECORD_OVERHEAD + (record.key() == null ? 0 : record.key().length)
                + (record.value() == null ? 0 : record.value().length);
        for (Header h : record.headers()) {
            size += h.key().length() * 4L + (h.value() == null ? 0 : h.value().length) + 10;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static byte[] bytes(Object content) {
        if (content instanceof ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            return out;
        }
        return content instanceof byte[] a ? a : new byte[0];
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
