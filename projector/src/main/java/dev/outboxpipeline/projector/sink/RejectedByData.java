package dev.outboxpipeline.projector.sink;

import java.sql.SQLException;

/**
 * Tells a change the sink will never take from a sink that is away. SQL states of class 22 (data
 * exception: numeric overflow, string too long, bad text) and 23 (integrity constraint) fail the same
 * way on every retry; so does a value that cannot even be bound (a malformed uuid). Anything else (a
 * lost connection, class 08; a database shutting down, 57) is the database's and is retried.
 */
final class RejectedByData {

    private RejectedByData() {
    }

    static boolean is(Exception e) {
        if (e instanceof SQLException sql) {
            String state = sql.getSQLState();
            return state != null && (state.startsWith("22") || state.startsWith("23"));
        }
        return e instanceof IllegalArgumentException || e instanceof NullPointerException || e instanceof ClassCastException;
    }

    static String reason(Exception e) {
        String message = String.valueOf(e.getMessage());
        return e instanceof SQLException sql ? "the sink rejected it (SQL state " + sql.getSQLState() + "): " + message
                : "the sink cannot bind it: " + e;
    }
}
