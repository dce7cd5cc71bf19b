package dev.outboxpipeline.writer.snapshot;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotSettingsTest {

    @Test
    void defaultsToChunksOf500WithoutAPause() {
        assertThat(SnapshotSettings.fromEnv(Env.of(Map.of()))).isEqualTo(new SnapshotSettings(500, Duration.ZERO));
    }

    @Test
    void chunkSizeAndPauseCanBeChanged() {
        assertThat(SnapshotSettings.fromEnv(Env.of(Map.of("SNAPSHOT_CHUNK_SIZE", "50", "SNAPSHOT_CHUNK_PAUSE", "20ms"))))
                .isEqualTo(new SnapshotSettings(50, Duration.ofMillis(20)));
    }

    @Test
    void badValuesNameTheVariableAndTheFix() {
        assertThatThrownBy(() -> SnapshotSettings.fromEnv(Env.of(Map.of("SNAPSHOT_CHUNK_SIZE", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SNAPSHOT_CHUNK_SIZE=0 is out of range");
        assertThatThrownBy(() -> SnapshotSettings.fromEnv(Env.of(Map.of("SNAPSHOT_CHUNK_PAUSE", "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SNAPSHOT_CHUNK_PAUSE");
    }
}
