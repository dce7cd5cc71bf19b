package dev.outboxpipeline.verify;

import java.util.Map;

/** A read-model row with its values normalised for comparison (numbers by value, JSON canonical). */
record NormalisedRow(String id, Map<String, String> values) {

    long version() {
        String v = values.get("version");
        return v == null ? -1 : Long.parseLong(v);
    }
}
