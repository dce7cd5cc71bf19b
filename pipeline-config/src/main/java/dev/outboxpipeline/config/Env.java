package dev.outboxpipeline.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Settings read from environment variables; tests pass their own map. */
public final class Env {

    private final Map<String, String> variables;

    private Env(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public static Env of(Map<String, String> variables) {
        return new Env(variables);
    }

    public Map<String, String> all() {
        return variables;
    }

    public Optional<String> optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    /** A value that must be set; {@code example} shows what a right one looks like. */
    public String required(String name, String example) {
        return optional(name).orElseThrow(() -> new ConfigException(
                name + " is not set: set it, e.g. " + name + "=" + example));
    }

    /** A secret may be empty (trust authentication) but is never shown. */
    public String secret(String name) {
        String value = variables.get(name);
        return value == null ? "" : value;
    }

    public int intValue(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw new ConfigException(name + "=" + raw.get() + " is out of range: use a whole number from "
                        + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "=" + raw.get() + " is not a whole number: use one from "
                    + min + " to " + max);
        }
    }

    /** A duration as ISO-8601 ({@code PT5S}) or a number with a unit: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
    public Duration duration(String name, Duration defaultValue) {
        Optional<String> raw = optional(name);
        return raw.isEmpty() ? defaultValue : Durations.parse(name, raw.get());
    }
}
