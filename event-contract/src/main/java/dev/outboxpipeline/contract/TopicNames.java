package dev.outboxpipeline.contract;

import java.util.regex.Pattern;

/** The topics that cross a process boundary: what the relay writes and the projector reads and writes. */
public final class TopicNames {

    /** Events of one aggregate type: {@code outbox.event.<aggregatetype>}, compacted, keyed by aggregate id. */
    public static final String EVENT_PREFIX = "outbox.event.";
    /** The relay's dead letters: events that cannot be routed. */
    public static final String RELAY_DEAD_LETTERS = "outbox.dlq";
    /** The projector's dead letters: events or read-model changes it cannot apply. */
    public static final String PROJECTOR_DEAD_LETTERS = "projector.dlq";
    /** Valid events too late for their analytics window (not dead letters). */
    public static final String ANALYTICS_LATE = "analytics.late";
    /** The projector's read-model changes: {@code readmodel.<table>}, compacted, keyed by the row's id. */
    public static final String READ_MODEL_PREFIX = "readmodel.";
    /** The relay's committed source offsets, compacted. */
    public static final String RELAY_OFFSETS = "outbox.relay.offsets";

    public static final String CUSTOMER = "customer";
    public static final String ORDER = "order";

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private TopicNames() {
    }

    public static String eventTopic(String aggregateType) {
        return EVENT_PREFIX + aggregateType;
    }

    public static String readModelTopic(String table) {
        return READ_MODEL_PREFIX + table;
    }

    /** Kafka's rule for topic names: letters, digits, '.', '_' and '-', at most 249, not '.' or '..'. */
    public static boolean isLegal(String topic) {
        return topic != null && LEGAL.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }
}
