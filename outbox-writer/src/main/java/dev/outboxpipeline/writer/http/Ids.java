package dev.outboxpipeline.writer.http;

import dev.outboxpipeline.writer.service.InvalidInputException;

import java.util.UUID;

final class Ids {

    private Ids() {
    }

    static UUID parse(String field, String text) {
        try {
            if (text.length() == 36) {
                return UUID.fromString(text);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidInputException(field, "is not a UUID: " + (text.length() > 40 ? text.substring(0, 40) + "…" : text));
    }
}
