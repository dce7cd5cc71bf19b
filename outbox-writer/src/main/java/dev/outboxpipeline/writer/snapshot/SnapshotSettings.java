package dev.outboxpipeline.writer.snapshot;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;

import java.time.Duration;

/**
 * How {@code ./pipeline snapshot} paces itself.
 *
 * @param chunkSize  aggregates per chunk: each chunk is one short transaction that holds its rows' share locks
 * @param chunkPause a pause after each chunk, to leave the source database and the relay room on a busy day
 */
public record SnapshotSettings(int chunkSize, Duration chunkPause) {

    public static final String CHUNK_SIZE = "SNAPSHOT_CHUNK_SIZE";
    public static final String CHUNK_PAUSE = "SNAPSHOT_CHUNK_PAUSE";
    public static final int DEFAULT_CHUNK_SIZE = 500;
    public static final Duration DEFAULT_CHUNK_PAUSE = Duration.ZERO;

    public SnapshotSettings {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("a chunk holds at least one aggregate, not " + chunkSize);
        }
        if (chunkPause.isNegative()) {
            throw new IllegalArgumentException("the pause after a chunk cannot be negative: " + chunkPause);
        }
    }

    public static SnapshotSettings fromEnv(Env env) {
        Duration pause = env.duration(CHUNK_PAUSE, DEFAULT_CHUNK_PAUSE);
        if (pause.isNegative()) {
            throw new ConfigException(CHUNK_PAUSE + "=" + pause + " is negative: use e.g. 0 (no pause) or 50ms");
        }
        return new SnapshotSettings(env.intValue(CHUNK_SIZE, DEFAULT_CHUNK_SIZE, 1, 100_000), pause);
    }

    public static SnapshotSettings of(int chunkSize) {
        return new SnapshotSettings(chunkSize, DEFAULT_CHUNK_PAUSE);
    }
}
