package dev.outboxpipeline.writer;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.Secrets;
import dev.outboxpipeline.db.Connections;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Tells a source database that is not there yet (worth waiting for) from a wrong setting (worth exiting for).
 * Not there yet: nothing listens, the host is not resolvable yet (a container still starting), the server is
 * starting up or full. Everything else, such as a refused login or a missing database, is configuration.
 */
final class SourceReachability {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    // 57P03 cannot_connect_now (starting up, shutting down), 53300 too_many_connections
    private static final Set<String> WAIT_STATES = Set.of("57P03", "53300");

    private SourceReachability() {
    }

    /**
     * Empty when the database accepts a connection; the reason to wait when it is not reachable yet.
     *
     * @throws dev.outboxpipeline.config.ConfigException when it answers but refuses for a reason that waiting cannot fix
     */
    static Optional<String> check(JdbcSettings settings) {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        props.setProperty("connectTimeout", Long.toString(PROBE_TIMEOUT.toSeconds()));
        props.setProperty("socketTimeout", Long.toString(PROBE_TIMEOUT.toSeconds()));
        try (Connection ignored = DriverManager.getConnection(settings.url(), props)) {
            return Optional.empty();
        } catch (SQLException e) {
            if (!worthWaiting(e)) {
                Connections.check(settings); // throws the explained ConfigException
                return Optional.empty();
            }
            return Optional.of("the source database at " + settings.safeUrl() + " is unreachable ("
                    + Secrets.maskInText(e.getMessage(), settings.password()) + "): start it, or fix the host and port in "
                    + settings.urlVariable());
        }
    }

    private static boolean worthWaiting(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08") || WAIT_STATES.contains(state)) {
            return true;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException
                    || c instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
