package dev.outboxpipeline.relay;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Which database an offset belongs to. An LSN means nothing on another server: {@code system_identifier}
 * tells clusters apart, the timeline tells a restored clone or a promoted standby (same identifier) from
 * the original, and the database name and slot tell streams of one cluster apart.
 */
record DatabaseIdentity(String systemIdentifier, int timeline, String database, String slot) {

    static final String SYSTEM_IDENTIFIER = "db-system-identifier";
    static final String TIMELINE = "db-timeline";
    static final String DATABASE = "db-name";
    static final String SLOT = "db-slot";

    void writeTo(Headers headers) {
        headers.add(SYSTEM_IDENTIFIER, bytes(systemIdentifier));
        headers.add(TIMELINE, bytes(String.valueOf(timeline)));
        headers.add(DATABASE, bytes(database));
        headers.add(SLOT, bytes(slot));
    }

    /** Empty for an offset committed before identities were recorded. */
    static Optional<DatabaseIdentity> readFrom(Headers headers) {
        Header id = headers.lastHeader(SYSTEM_IDENTIFIER);
        if (id == null) {
            return Optional.empty();
        }
        return Optional.of(new DatabaseIdentity(text(id), Integer.parseInt(text(headers.lastHeader(TIMELINE))),
                text(headers.lastHeader(DATABASE)), text(headers.lastHeader(SLOT))));
    }

    String describe() {
        return "system_identifier " + systemIdentifier + ", timeline " + timeline + ", database " + database + ", slot " + slot;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Header h) {
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
