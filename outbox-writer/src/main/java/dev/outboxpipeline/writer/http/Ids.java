package dev.outboxpipeline.writer.http;

import dev.outboxpipeline.writer.service.InvalidInputException;

import java.util.UUID;

final class Ids {

    private Ids() {
    }

    // the message quotes what was sent: short, and without control characters
    private static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    static UUID parse(String field, String text) {
        try {
            if (text.length() == 36) {
                UUID id = UUID.fromString(text);
                // UUID.fromString also takes signs and short groups; only the canonical form is an id
                if (id.toString().equalsIgnoreCase(text)) {
                    return id;
                }
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidInputException(field, "is not a UUID: " + (printable(text)));
    }
}
