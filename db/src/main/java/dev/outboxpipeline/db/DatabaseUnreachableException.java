package dev.outboxpipeline.db;

import dev.outboxpipeline.config.ConfigException;

/**
 * No PostgreSQL answers at the configured address (refused, timed out, starting up or shutting down).
 * A command fails with it as with any {@link ConfigException}; a long-running service may instead wait
 * for the database and say so in {@code /health}.
 */
public final class DatabaseUnreachableException extends ConfigException {

    public DatabaseUnreachableException(String message) {
        super(message);
    }
}
