package dev.outboxpipeline.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTopicSettingsTest {

    @Test
    void shouldLeaveReplicationToTheBrokerByDefault() {
        EventTopicSettings s = EventTopicSettings.fromEnv(Env.of(Map.of()));
        assertThat(s.partitions()).isEqualTo(3);
        assertThat(s.replicationFactor()).isEmpty();
        assertThat(s.topicConfigs()).containsEntry("cleanup.policy", "compact")
                .containsEntry("delete.retention.ms", String.valueOf(Duration.ofDays(7).toMillis()))
                .doesNotContainKey("min.insync.replicas");
    }

    @Test
    void shouldReadTheOldNamesAsAliases() {
        assertThat(EventTopicSettings.fromEnv(Env.of(Map.of("RELAY_TOPIC_PARTITIONS", "6"))).partitions()).isEqualTo(6);
        assertThat(EventTopicSettings.fromEnv(Env.of(Map.of("PROJECTOR_TOPIC_PARTITIONS", "2"))).partitions()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAliasesThatDisagree() {
        assertThatThrownBy(() -> EventTopicSettings.fromEnv(Env.of(Map.of(
                "EVENT_TOPIC_PARTITIONS", "6", "RELAY_TOPIC_PARTITIONS", "3"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("set only EVENT_TOPIC_PARTITIONS");
    }

    @Test
    void shouldRefuseMoreInSyncReplicasThanReplicas() {
        assertThatThrownBy(() -> EventTopicSettings.fromEnv(Env.of(Map.of(
                "EVENT_TOPIC_REPLICATION_FACTOR", "1", "EVENT_TOPIC_MIN_INSYNC_REPLICAS", "2"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no write could succeed");
    }
}
