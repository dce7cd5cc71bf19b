package dev.outboxpipeline.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the compacted event topics ({@code outbox.event.*}) are created. The relay and the projector read
 * the same settings, so whichever starts first creates the topics the way the other expects.
 *
 * <p>Replication factor and {@code min.insync.replicas} default to the broker's own defaults; tombstones
 * are kept {@link #DEFAULT_DELETE_RETENTION} so a consumer that was down that long still sees deletes.
 */
public record EventTopicSettings(
        int partitions,
        Optional<Short> replicationFactor,
        OptionalInt minInsyncReplicas,
        Duration deleteRetention,
        Duration minCompactionLag) {

    public static final String PARTITIONS = "EVENT_TOPIC_PARTITIONS";
    public static final String REPLICATION_FACTOR = "EVENT_TOPIC_REPLICATION_FACTOR";
    public static final String MIN_INSYNC_REPLICAS = "EVENT_TOPIC_MIN_INSYNC_REPLICAS";
    public static final String DELETE_RETENTION = "EVENT_TOPIC_DELETE_RETENTION";
    public static final String MIN_COMPACTION_LAG = "EVENT_TOPIC_MIN_COMPACTION_LAG";

    public static final int DEFAULT_PARTITIONS = 3;
    public static final Duration DEFAULT_DELETE_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_MIN_COMPACTION_LAG = Duration.ofHours(1);

    public EventTopicSettings {
        if (partitions < 1) {
            throw new ConfigException(PARTITIONS + "=" + partitions + " must be at least 1");
        }
        if (replicationFactor.isPresent() && minInsyncReplicas.isPresent()
                && minInsyncReplicas.getAsInt() > replicationFactor.get()) {
            throw new ConfigException(MIN_INSYNC_REPLICAS + "=" + minInsyncReplicas.getAsInt() + " exceeds "
                    + REPLICATION_FACTOR + "=" + replicationFactor.get() + ": no write could succeed; lower it");
        }
        if (deleteRetention.isNegative() || minCompactionLag.isNegative()) {
            throw new ConfigException(DELETE_RETENTION + " and " + MIN_COMPACTION_LAG + " cannot be negative");
        }
    }

    public static EventTopicSettings defaults() {
        return new EventTopicSettings(DEFAULT_PARTITIONS, Optional.empty(), OptionalInt.empty(),
                DEFAULT_DELETE_RETENTION, DEFAULT_MIN_COMPACTION_LAG);
    }

    /** Reads the {@code EVENT_TOPIC_*} settings; the older {@code RELAY_TOPIC_*} and {@code PROJECTOR_TOPIC_PARTITIONS} names stay as aliases. */
    public static EventTopicSettings fromEnv(Env env) {
        OptionalInt partitions = aliased(env, List.of(PARTITIONS, "RELAY_TOPIC_PARTITIONS", "PROJECTOR_TOPIC_PARTITIONS"), 1, 10_000);
        OptionalInt replication = aliased(env, List.of(REPLICATION_FACTOR, "RELAY_TOPIC_REPLICATION_FACTOR"), 1, 32);
        OptionalInt minInsync = aliased(env, List.of(MIN_INSYNC_REPLICAS, "RELAY_TOPIC_MIN_INSYNC_REPLICAS"), 1, 32);
        return new EventTopicSettings(
                partitions.orElse(DEFAULT_PARTITIONS),
                replication.isPresent() ? Optional.of((short) replication.getAsInt()) : Optional.empty(),
                minInsync,
                env.duration(DELETE_RETENTION, DEFAULT_DELETE_RETENTION),
                env.duration(MIN_COMPACTION_LAG, DEFAULT_MIN_COMPACTION_LAG));
    }

    /** Topic-level configuration for a new event topic, by Kafka's property names. */
    public Map<String, String> topicConfigs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", "compact");
        configs.put("delete.retention.ms", String.valueOf(deleteRetention.toMillis()));
        configs.put("min.compaction.lag.ms", String.valueOf(minCompactionLag.toMillis()));
        minInsyncReplicas.ifPresent(n -> configs.put("min.insync.replicas", String.valueOf(n)));
        return configs;
    }

    public EventTopicSettings withPartitions(int n) {
        return new EventTopicSettings(n, replicationFactor, minInsyncReplicas, deleteRetention, minCompactionLag);
    }

    public EventTopicSettings withReplication(short factor, int minInsync) {
        return new EventTopicSettings(partitions, Optional.of(factor), OptionalInt.of(minInsync), deleteRetention,
                minCompactionLag);
    }

    /** The first of {@code names} that is set; two set to different values is a configuration error. */
    private static OptionalInt aliased(Env env, List<String> names, int min, int max) {
        String chosen = null;
        int value = 0;
        for (String name : names) {
            if (env.optional(name).isEmpty()) {
                continue;
            }
            int v = env.intValue(name, 0, min, max);
            if (chosen != null && v != value) {
                throw new ConfigException(chosen + "=" + value + " and " + name + "=" + v
                        + " disagree: they name one setting, so set only " + names.get(0));
            }
            if (chosen == null) {
                chosen = name;
                value = v;
            }
        }
        return chosen == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
