package dev.outboxpipeline.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

final class Jdbc {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

    private Jdbc() {
    }

    static void awaitConnectable(String url, String user, String password) {
        Instant deadline = Instant.now().plus(CONNECT_TIMEOUT);
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            try (Connection ignored = DriverManager.getConnection(url, user, password)) {
                return;
            } catch (SQLException e) {
                last = e;
                Sleeper.pause(Duration.ofMillis(200));
            }
        }
        throw new IllegalStateException("PostgreSQL did not accept connections within " + CONNECT_TIMEOUT, last);
    }
}
