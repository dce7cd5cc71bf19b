package dev.outboxpipeline.contract;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One outbox event as it travels on {@code outbox.event.<aggregatetype>}: key = aggregate id, value = the
 * payload JSON (null for a delete), and the headers below. Encoding and decoding sit side by side here,
 * so the relay and its readers cannot drift apart.
 */
public record EventRecord(
        String id,
        String type,
        String aggregateType,
        String aggregateId,
        long aggregateVersion,
        byte[] payload,
        long sourceLsn,
        long sourceTsMs,
        Optional<String> traceparent,
        Optional<String> tracestate) {

    public static final String CE_SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";

    public EventRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(aggregateType, "aggregateType");
        traceparent = traceparent == null ? Optional.empty() : traceparent;
        tracestate = tracestate == null ? Optional.empty() : tracestate;
    }

    public String topic() {
        return TopicNames.eventTopic(aggregateType);
    }

    public byte[] key() {
        return aggregateId == null ? null : utf8(aggregateId);
    }

    /**
     * The record's headers in a fixed order. {@code cloudEventsSource} adds the CloudEvents binary-mode
     * headers with that {@code ce_source}; empty leaves them out.
     */
    public Map<String, byte[]> headers(Optional<String> cloudEventsSource) {
        Map<String, byte[]> h = new LinkedHashMap<>();
        new HeaderEncoder(cloudEventsSource).write(this, h::put);
        return h;
    }

    /**
     * Writes records' headers, the same as {@link #headers}, straight into a sink: for a relay that writes many. What
     * is the same for every record ({@code ce_specversion}, {@code ce_source}, {@code content-type}) is encoded once,
     * and {@code ce_time} once per commit millisecond; those arrays are shared between the records: never modify one.
     */
    public static final class HeaderEncoder {

        private record Time(long epochMillis, byte[] utf8) {
        }

        private final Optional<byte[]> cloudEventsSource;
        private final byte[] specVersion = utf8(CE_SPEC_VERSION);
        private final byte[] json = utf8(JSON);
        private volatile Time lastTime = new Time(Long.MIN_VALUE, null);

        public HeaderEncoder(Optional<String> cloudEventsSource) {
            this.cloudEventsSource = cloudEventsSource.map(EventRecord::utf8);
        }

        public void write(EventRecord e, BiConsumer<String, byte[]> sink) {
            sink.accept(EventHeaders.ID, utf8(e.id));
            if (e.type != null) {
                sink.accept(EventHeaders.TYPE, utf8(e.type));
            }
            sink.accept(EventHeaders.AGGREGATE_VERSION, utf8(Long.toString(e.aggregateVersion)));
            sink.accept(EventHeaders.SOURCE_LSN, utf8(Long.toString(e.sourceLsn)));
            sink.accept(EventHeaders.SOURCE_TS_MS, utf8(Long.toString(e.sourceTsMs)));
            e.traceparent.ifPresent(t -> sink.accept(EventHeaders.TRACEPARENT, utf8(t)));
            e.tracestate.ifPresent(t -> sink.accept(EventHeaders.TRACESTATE, utf8(t)));
            if (cloudEventsSource.isPresent()) {
                sink.accept(EventHeaders.CE_SPECVERSION, specVersion);
                sink.accept(EventHeaders.CE_ID, utf8(e.id));
                sink.accept(EventHeaders.CE_SOURCE, cloudEventsSource.get());
                sink.accept(EventHeaders.CE_TYPE, utf8(e.type == null ? "" : e.type));
                sink.accept(EventHeaders.CE_TIME, time(e.sourceTsMs));
                if (e.aggregateId != null) {
                    sink.accept(EventHeaders.CE_SUBJECT, utf8(e.aggregateId));
                }
                sink.accept(EventHeaders.CONTENT_TYPE, json);
            }
        }

        /** The events of one source transaction share its commit time: formatted once for all of them. */
        private byte[] time(long epochMillis) {
            Time last = lastTime;
            if (last.epochMillis() != epochMillis) {
                last = new Time(epochMillis, utf8(Instant.ofEpochMilli(epochMillis).toString()));
                lastTime = last;
            }
            return last.utf8();
        }
    }

    /**
     * Reads an event record back; {@code header} gives a header's last value or null. Missing or
     * malformed headers come back as a {@link MalformedEventException} naming the header.
     */
    public static EventRecord decode(String topic, byte[] key, byte[] value, Function<String, byte[]> header) {
        if (topic == null || !topic.startsWith(TopicNames.EVENT_PREFIX)) {
            throw new MalformedEventException("topic " + topic + " is not an event topic (" + TopicNames.EVENT_PREFIX + "*)");
        }
        String id = text(header, EventHeaders.ID).orElseThrow(() -> missing(EventHeaders.ID));
        long version = number(header, EventHeaders.AGGREGATE_VERSION).orElseThrow(() -> missing(EventHeaders.AGGREGATE_VERSION));
        return new EventRecord(id, text(header, EventHeaders.TYPE).orElse(null),
                topic.substring(TopicNames.EVENT_PREFIX.length()), key == null ? null : new String(key, StandardCharsets.UTF_8),
                version, value, number(header, EventHeaders.SOURCE_LSN).orElse(0),
                number(header, EventHeaders.SOURCE_TS_MS).orElse(0),
                text(header, EventHeaders.TRACEPARENT), text(header, EventHeaders.TRACESTATE));
    }

    public static Optional<String> text(Function<String, byte[]> header, String name) {
        byte[] v = header.apply(name);
        return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
    }

    /** A decimal header; empty when missing or not a whole number. */
    public static OptionalLong number(Function<String, byte[]> header, String name) {
        Optional<String> t = text(header, name);
        if (t.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(t.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public static byte[] utf8(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    private static MalformedEventException missing(String name) {
        return new MalformedEventException("header '" + name + "' is missing or malformed");
    }

    /** An event record that does not follow the format; the message names what is wrong. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }
    }
}
