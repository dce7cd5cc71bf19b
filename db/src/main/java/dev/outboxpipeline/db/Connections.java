package dev.outboxpipeline.db;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.Secrets;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Opens JDBC connections and turns failures into messages that say which setting to fix. */
public final class Connections {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private Connections() {
    }

    public static Connection open(JdbcSettings settings) {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        props.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        try {
            return DriverManager.getConnection(settings.url(), props);
        } catch (SQLException e) {
            throw explain(settings, e);
        }
    }

    /** Fails with a {@link ConfigException} unless the database accepts a connection. */
    public static void check(JdbcSettings settings) {
        try (Connection ignored = open(settings)) {
            // reachable
        } catch (SQLException e) {
            throw explain(settings, e);
        }
    }

    static ConfigException explain(JdbcSettings s, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = s.safeUrl();
        String hint;
        if (state.equals("28P01") || state.equals("28000")) {
            hint = "the server refused user '" + s.user() + "': check " + s.variablePrefix() + "_USER and "
                    + s.variablePrefix() + "_PASSWORD";
        } else if (state.equals("3D000")) {
            hint = "the database does not exist: create it or fix the database name in " + s.urlVariable();
        } else if (notAcceptingConnections(state)) {
            hint = "the database is not accepting connections now (e.g. ALLOW_CONNECTIONS false, or too many clients):"
                    + " it is waited for; if it stays so, allow connections again";
        } else if (hasCause(e, UnknownHostException.class)) {
            hint = "unknown host: fix the host in " + s.urlVariable();
        } else if (state.startsWith("08") || hasCause(e, ConnectException.class)) {
            hint = "no PostgreSQL answers there: start it, or fix the host and port in " + s.urlVariable();
        } else {
            hint = "check " + s.urlVariable();
        }
        String message = "cannot connect to " + where + " (" + Secrets.maskInText(e.getMessage(), s.password()) + "): " + hint;
        // 57P03: the server is starting up or shutting down; it will answer
        return state.startsWith("08") || state.equals("57P03") || notAcceptingConnections(state)
                || hasCause(e, ConnectException.class)
                ? new DatabaseUnreachableException(message) : new ConfigException(message, null);
    }

    /**
     * At connection time, 55000 is a database with ALLOW_CONNECTIONS false (an operator's outage) and 53300 a server
     * out of connection slots: both pass, so a service waits rather than exits.
     */
    private static boolean notAcceptingConnections(String state) {
        return state.equals("55000") || state.equals("53300");
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
