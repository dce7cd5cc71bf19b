package dev.outboxpipeline.projector.topology;

import dev.outboxpipeline.contract.EventRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/** Reads the UTF-8 headers of Kafka records by the names of {@link dev.outboxpipeline.contract.EventHeaders}. */
public final class HeaderValues {

    private HeaderValues() {
    }

    public static Optional<String> text(Headers headers, String name) {
        return EventRecord.text(lastValues(headers), name);
    }

    /** A decimal header; empty when missing or not a whole number. */
    public static Optional<Long> number(Headers headers, String name) {
        OptionalLong n = EventRecord.number(lastValues(headers), name);
        return n.isPresent() ? Optional.of(n.getAsLong()) : Optional.empty();
    }

    /** Each header's last value, or null, as the contract's decoding reads headers. */
    public static Function<String, byte[]> lastValues(Headers headers) {
        return name -> {
            Header h = headers.lastHeader(name);
            return h == null ? null : h.value();
        };
    }
}
