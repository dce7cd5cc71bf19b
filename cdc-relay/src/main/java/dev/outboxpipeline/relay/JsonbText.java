package dev.outboxpipeline.relay;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * JSON as PostgreSQL's {@code jsonb} prints it: what pgoutput sends for the outbox table's {@code payload} column, so
 * a message-mode payload leaves the relay as the same bytes as a table-mode one. Keys sorted by their UTF-8 length,
 * then bytes, the last of duplicate keys kept; {@code ", "} and {@code ": "} between items; numbers in plain
 * notation with their scale ({@code 1e2} is {@code 100}, {@code 31.50} stays); strings escaped as {@code escape_json}.
 */
final class JsonbText {

    private static final Comparator<String> JSONB_KEY_ORDER = Comparator
            .<String>comparingInt(k -> k.getBytes(StandardCharsets.UTF_8).length)
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));

    private JsonbText() {
    }

    /** The value at the parser's current token, which it consumes. */
    static String of(JsonParser p) throws IOException {
        StringBuilder out = new StringBuilder();
        write(p, out);
        return out.toString();
    }

    private static void write(JsonParser p, StringBuilder out) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                TreeMap<String, String> members = new TreeMap<>(JSONB_KEY_ORDER);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    members.put(key, of(p));
                }
                StringJoiner j = new StringJoiner(", ", "{", "}");
                members.forEach((k, v) -> j.add(string(k) + ": " + v));
                out.append(j);
            }
            case START_ARRAY -> {
                StringJoiner j = new StringJoiner(", ", "[", "]");
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    j.add(of(p));
                }
                out.append(j);
            }
            case VALUE_STRING -> out.append(string(p.getText()));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                BigDecimal n = new BigDecimal(p.getText());
                out.append((n.scale() < 0 ? n.setScale(0) : n).toPlainString());
            }
            case VALUE_TRUE -> out.append("true");
            case VALUE_FALSE -> out.append("false");
            case VALUE_NULL -> out.append("null");
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }

    private static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < ' ') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
