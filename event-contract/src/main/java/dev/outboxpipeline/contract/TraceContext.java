package dev.outboxpipeline.contract;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The W3C trace context of the write that recorded an event: {@code traceparent} and, when there is one,
 * {@code tracestate}. It travels in the outbox table's {@code tracingspancontext} column, in the outbox message's
 * fields of the same names, and in the event record's headers of the same names.
 *
 * <p>The column holds {@link Properties} text with the keys {@code traceparent} and {@code tracestate}, as
 * Debezium's outbox does, so its EventRouter can read the same table.
 */
public record TraceContext(String traceparent, Optional<String> tracestate) {

    /** The outbox table's column (Debezium's default name). */
    public static final String COLUMN = "tracingspancontext";

    // version 00 (and future versions, whose first four fields have this shape); all-zero ids are invalid
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}.*");
    private static final int MAX_TRACESTATE = 512;

    public TraceContext {
        Objects.requireNonNull(traceparent, "traceparent");
        if (!valid(traceparent)) {
            throw new IllegalArgumentException("not a W3C traceparent: " + traceparent);
        }
        tracestate = tracestate == null ? Optional.empty() : tracestate.filter(t -> !t.isBlank());
    }

    /** A trace context from its two header values; empty when {@code traceparent} is missing or malformed. */
    public static Optional<TraceContext> of(String traceparent, String tracestate) {
        if (traceparent == null || !valid(traceparent)) {
            return Optional.empty();
        }
        String state = tracestate == null || tracestate.length() > MAX_TRACESTATE ? null : tracestate;
        return Optional.of(new TraceContext(traceparent, Optional.ofNullable(state)));
    }

    /** Version ff is forbidden; version 00 has exactly four fields, later versions may add more after a dash. */
    private static boolean valid(String traceparent) {
        return TRACEPARENT.matcher(traceparent).matches() && !traceparent.startsWith("ff")
                && (traceparent.startsWith("00") ? traceparent.length() == 55 : traceparent.length() == 55 || traceparent.charAt(55) == '-');
    }

    /** The 32 hex digits of the trace id. */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    /** The column's text: {@code traceparent=…} and, when present, {@code tracestate=…}, one per line. */
    public String toColumn() {
        StringBuilder text = new StringBuilder("traceparent=").append(traceparent).append('\n');
        // Properties text: a backslash escapes, so a literal one (legal in a tracestate value) is doubled
        tracestate.ifPresent(t -> text.append("tracestate=").append(t.replace("\\", "\\\\")).append('\n'));
        return text.toString();
    }

    /** Reads the column back; empty when it is null or holds no valid traceparent. */
    public static Optional<TraceContext> fromColumn(String column) {
        if (column == null || column.isBlank()) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(column));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a malformed \\u escape
        }
        return of(p.getProperty(EventHeaders.TRACEPARENT), p.getProperty(EventHeaders.TRACESTATE));
    }
}
