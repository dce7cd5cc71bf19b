package dev.outboxpipeline.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Settings read from environment variables; tests pass their own map. */
public final class Env {

    private final Map<String, String> variables;
    private final Set<String> read = ConcurrentHashMap.newKeySet();
    private final Set<String> readPrefixes = ConcurrentHashMap.newKeySet();

    private Env(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public static Env of(Map<String, String> variables) {
        return new Env(variables);
    }

    /** The variables whose names start with {@code prefix}, for settings passed through (Kafka client properties). */
    public Map<String, String> withPrefix(String prefix) {
        readPrefixes.add(prefix);
        Map<String, String> matching = new TreeMap<>();
        variables.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                matching.put(name, value);
            }
        });
        return matching;
    }

    /** Whether a variable was read: the compose-file test checks that every variable it sets is used. */
    public boolean wasRead(String name) {
        return read.contains(name) || readPrefixes.stream().anyMatch(name::startsWith);
    }

    /** The names read so far, prefixes aside: a test checks that each one is documented. */
    public Set<String> readNames() {
        return Set.copyOf(read);
    }

    public Optional<String> optional(String name) {
        read.add(name);
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
        read.add(name);
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
