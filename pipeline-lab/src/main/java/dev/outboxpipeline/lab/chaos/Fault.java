package dev.outboxpipeline.lab.chaos;

import java.time.Duration;

/** The faults a chaos run injects, each aimed at one service of the line. */
public enum Fault {
    RELAY_KILL("relay", "SIGKILL of the active relay, restarted at once", Duration.ZERO, false),
    RELAY_TAKEOVER("relay", "SIGKILL of the active relay; the standby takes the slot, then the killed one restarts",
            Duration.ZERO, false),
    RELAY_PAUSE("relay", "SIGSTOP of the active relay for longer than its Kafka transaction timeout, then SIGCONT:"
            + " a zombie to fence", ChaosTimeouts.RELAY_PAUSE, false),
    PROJECTOR_KILL("projector", "SIGKILL of one of two projectors while the other serves queries, then a restart",
            Duration.ZERO, false),
    BROKER_RESTART("broker", "a broker stopped (SIGTERM) and started again", Duration.ZERO, true),
    BROKER_KILL_LEADER("broker", "SIGKILL of the broker leading the relay's partitions, restarted after a while"
            + " (three brokers only)", ChaosTimeouts.BROKER_DOWN, true),
    SOURCE_RESTART("source", "fast restart of the source PostgreSQL", Duration.ZERO, true),
    SINK_RESTART("sink", "fast restart of the sink PostgreSQL", Duration.ZERO, true),
    SINK_OUTAGE("sink", "the sink refuses every connection for " + ChaosTimeouts.SINK_OUTAGE.toSeconds() + " s",
            ChaosTimeouts.SINK_OUTAGE, true);

    private final String service;
    private final String description;
    private final Duration lasts;
    private final boolean needsLocalServers;

    Fault(String service, String description, Duration lasts, boolean needsLocalServers) {
        this.service = service;
        this.description = description;
        this.lasts = lasts;
        this.needsLocalServers = needsLocalServers;
    }

    /** The service it hits; faults of one service are spaced by {@link ChaosTimeouts#sessionTimeout}. */
    public String service() {
        return service;
    }

    public String description() {
        return description;
    }

    /** How long the fault itself holds (an outage, a pause) before the service may recover. */
    public Duration lasts() {
        return lasts;
    }

    /**
     * Whether it needs the servers chaos started itself: with endpoints given in the environment only the relays
     * and projectors (always child processes of the run) can be hit.
     */
    public boolean needsLocalServers() {
        return needsLocalServers;
    }

    public boolean appliesTo(int brokers, boolean localServers) {
        return (localServers || !needsLocalServers) && (this != BROKER_KILL_LEADER || brokers >= 3);
    }
}
