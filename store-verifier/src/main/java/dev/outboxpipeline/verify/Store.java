package dev.outboxpipeline.verify;

import dev.outboxpipeline.config.JdbcSettings;

/** One side of a comparison. */
public record Store(StoreKind kind, JdbcSettings settings) {

    public static Store source(JdbcSettings settings) {
        return new Store(StoreKind.SOURCE, settings);
    }

    public static Store sink(JdbcSettings settings) {
        return new Store(StoreKind.SINK, settings);
    }

    public String describe() {
        return kind.name().toLowerCase() + " " + settings.safeUrl();
    }
}
