package dev.outboxpipeline.db;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.Secrets;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the project's Flyway migrations ({@code db/migrations/source} or {@code sink}) to a database. */
public final class Migrations {

    private Migrations() {
    }

    /** What a migration run did: the version before and after, and how many migrations it applied. */
    public record Outcome(Database database, String fromVersion, String toVersion, int applied) {

        public String describe(String where) {
            return applied == 0
                    ? database.label() + " database at " + where + " is up to date (version " + toVersion + ")"
                    : database.label() + " database at " + where + " migrated from version " + fromVersion
                    + " to " + toVersion + " (" + applied + " migration" + (applied == 1 ? "" : "s") + " applied)";
        }
    }

    public static Outcome migrate(Database database, JdbcSettings settings) {
        Connections.check(settings);
        Flyway flyway = flyway(database, settings).load();
        try {
            MigrateResult result = flyway.migrate();
            MigrationInfo current = flyway.info().current();
            return new Outcome(database,
                    result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion,
                    current == null ? "none" : current.getVersion().getVersion(),
                    result.migrationsExecuted);
        } catch (FlywayException e) {
            String message = "migrating the " + database.label() + " database at " + settings.safeUrl()
                    + " failed: " + Secrets.maskInText(e.getMessage(), settings.password());
            // the database went away after the check (a restart, an outage): to be waited for, not fixed
            if (unreachable(settings, e)) {
                throw new DatabaseUnreachableException(message);
            }
            throw new ConfigException(message, e);
        }
    }

    private static boolean unreachable(JdbcSettings settings, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql && Connections.explain(settings, sql) instanceof DatabaseUnreachableException) {
                return true;
            }
        }
        return false;
    }

    /** Flyway configured for this database's migrations; tests and {@code migrate} use the same. */
    public static org.flywaydb.core.api.configuration.FluentConfiguration flyway(Database database,
                                                                                   JdbcSettings settings) {
        return Flyway.configure()
                .dataSource(settings.url(), settings.user(), settings.password())
                .locations(database.migrationsLocation())
                .failOnMissingLocations(true)
                .cleanDisabled(true);
    }
}
