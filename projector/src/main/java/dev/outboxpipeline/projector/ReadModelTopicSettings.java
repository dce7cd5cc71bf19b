package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;

import java.time.Duration;

/**
 * How the compacted {@code readmodel.*} topics are created. A sink writer or a {@code bootstrap} that
 * reads them later than {@code deleteRetention} after a tombstone was compacted would miss the delete,
 * so it is as long as the event topics' by default; {@code minCompactionLag} keeps every change readable
 * for that long before compaction may fold it away.
 */
public record ReadModelTopicSettings(Duration deleteRetention, Duration minCompactionLag) {

    public static final String DELETE_RETENTION = "PROJECTOR_READMODEL_DELETE_RETENTION";
    public static final String MIN_COMPACTION_LAG = "PROJECTOR_READMODEL_MIN_COMPACTION_LAG";
    public static final Duration DEFAULT_DELETE_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_MIN_COMPACTION_LAG = Duration.ofHours(1);

    public ReadModelTopicSettings {
        if (deleteRetention.isNegative() || minCompactionLag.isNegative()) {
            throw new ConfigException(DELETE_RETENTION + " and " + MIN_COMPACTION_LAG + " cannot be negative");
        }
    }

    public static ReadModelTopicSettings defaults() {
        return new ReadModelTopicSettings(DEFAULT_DELETE_RETENTION, DEFAULT_MIN_COMPACTION_LAG);
    }

    public static ReadModelTopicSettings fromEnv(Env env) {
        return new ReadModelTopicSettings(env.duration(DELETE_RETENTION, DEFAULT_DELETE_RETENTION),
                env.duration(MIN_COMPACTION_LAG, DEFAULT_MIN_COMPACTION_LAG));
    }
}
