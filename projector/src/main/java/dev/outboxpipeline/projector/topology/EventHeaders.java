package dev.outboxpipeline.projector.topology;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Header names of the event and read-model records (UTF-8 strings), and reading them. */
public final class EventHeaders {

    public static final String ID = "id";
    public static final String TYPE = "type";
    public static final String AGGREGATE_VERSION = "aggregate-version";
    public static final String SOURCE_LSN = "source-lsn";
    public static final String SOURCE_TS_MS = "source-ts-ms";

    /** On read-model records: the row's source version (also on tombstones). */
    public static final String VERSION = "version";

    /** On dead letters: why, and where the record came from. */
    public static final String DLQ_REASON = "dlq-reason";
    public static final String DLQ_TOPIC = "dlq-topic";
    public static final String DLQ_PARTITION = "dlq-partition";
    public static final String DLQ_OFFSET = "dlq-offset";

    private EventHeaders() {
    }

    public static Optional<String> text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }

    /** A decimal header; empty when missing or not a whole number. */
    public static Optional<Long> number(Headers headers, String name) {
        try {
            return text(headers, name).map(s -> Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static byte[] utf8(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
