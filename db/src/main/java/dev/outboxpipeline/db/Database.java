package dev.outboxpipeline.db;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;

import java.util.Locale;

/** The two databases of the pipeline, each with its own migrations under {@code db/migrations/<name>}. */
public enum Database {
    SOURCE(JdbcSettings.SOURCE),
    SINK(JdbcSettings.SINK);

    private final String variablePrefix;

    Database(String variablePrefix) {
        this.variablePrefix = variablePrefix;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Environment variable prefix of its connection settings, e.g. {@code SOURCE_DB}. */
    public String variablePrefix() {
        return variablePrefix;
    }

    String migrationsLocation() {
        return "classpath:db/migrations/" + label();
    }

    public static Database parse(String text) {
        for (Database d : values()) {
            if (d.label().equalsIgnoreCase(text.trim())) {
                return d;
            }
        }
        throw new ConfigException("unknown database '" + text + "': use source or sink");
    }
}
