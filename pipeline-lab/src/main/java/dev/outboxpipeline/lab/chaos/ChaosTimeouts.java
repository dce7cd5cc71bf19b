package dev.outboxpipeline.lab.chaos;

import java.time.Duration;

/** The timeouts a chaos run sets on the line, and the spacing of faults that follows from them. */
public final class ChaosTimeouts {

    /**
     * The relay's Kafka transaction timeout and the brokers' {@code transaction.max.timeout.ms}: short, so a paused
     * relay's open transaction is aborted by the coordinator while it sleeps, and the zombie is fenced when it wakes.
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(30);
    /** The source's wal_sender_timeout: after it, PostgreSQL drops a paused relay's connection and a standby may take the slot. */
    public static final Duration WAL_SENDER_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration RELAY_PAUSE = TRANSACTION_TIMEOUT.plusSeconds(10);
    public static final Duration SINK_OUTAGE = Duration.ofSeconds(60);
    public static final Duration BROKER_DOWN = Duration.ofSeconds(20);
    /** Kafka's default consumer session timeout: the projectors' group forgets a killed member after it. */
    public static final Duration CONSUMER_SESSION_TIMEOUT = Duration.ofSeconds(45);
    /** Longer than a KRaft broker's session timeout (9 s by default) and than a PostgreSQL restart. */
    public static final Duration SERVER_SESSION_TIMEOUT = Duration.ofSeconds(20);
    /** Faults at least this far apart, so that a recovery time can be measured per fault. */
    public static final Duration MIN_GAP = Duration.ofSeconds(10);

    /**
     * Faults of one service come at least its session timeout apart, counted from the end of the previous one: the
     * relay's is its transaction timeout (a standby's wal_sender_timeout is shorter), the projector's its consumer
     * session, a broker's or a database's the time their clients need to notice.
     */
    public static Duration sessionTimeout(String service) {
        return switch (service) {
            case "relay" -> TRANSACTION_TIMEOUT;
            case "projector" -> CONSUMER_SESSION_TIMEOUT;
            default -> SERVER_SESSION_TIMEOUT;
        };
    }

    private ChaosTimeouts() {
    }
}
