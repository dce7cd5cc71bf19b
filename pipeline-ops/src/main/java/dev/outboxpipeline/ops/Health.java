package dev.outboxpipeline.ops;

import java.util.Map;

/** What {@code /health} answers: up (200) or down (503), with details an operator can read. */
public record Health(boolean up, Map<String, Object> details) {

    public Health {
        details = Map.copyOf(details);
    }

    public static Health up(Map<String, Object> details) {
        return new Health(true, details);
    }

    public static Health down(Map<String, Object> details) {
        return new Health(false, details);
    }
}
