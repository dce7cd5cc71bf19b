package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectorSettingsTest {

    private static final Map<String, String> REQUIRED = Map.of(
            "SINK_DB_URL", "jdbc:postgresql://localhost:5432/readmodel",
            "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");

    @Test
    void defaultsNeedOnlyTheSinkAndKafka() {
        ProjectorSettings s = ProjectorSettings.fromEnv(Env.of(REQUIRED));

        assertThat(s.applicationId()).isEqualTo("projector");
        assertThat(s.httpPort()).isEqualTo(8082);
        assertThat(s.httpHost()).isEqualTo("127.0.0.1");
        assertThat(s.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(25));
        assertThat(s.topics().customerEvents()).isEqualTo("outbox.event.customer");
        assertThat(s.topics().orderViewRows()).isEqualTo("readmodel.order_view");
        assertThat(s.topics().deadLetters()).isEqualTo("projector.dlq");
    }

    @Test
    void everySettingIsReadFromItsVariable() {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.putAll(Map.of("PROJECTOR_APPLICATION_ID", "shop-read-model", "PROJECTOR_HTTP_HOST", "0.0.0.0",
                "PROJECTOR_HTTP_PORT", "9000", "PROJECTOR_STATE_DIR", "/var/lib/projector",
                "PROJECTOR_COMMIT_INTERVAL", "20ms", "PROJECTOR_TOPIC_PREFIX", "staging.",
                "PROJECTOR_SINK_BATCH", "100"));

        ProjectorSettings s = ProjectorSettings.fromEnv(Env.of(env));

        assertThat(s.applicationId()).isEqualTo("shop-read-model");
        assertThat(s.httpPort()).isEqualTo(9000);
        assertThat(s.advertisedHost()).as("a wildcard bind is not an address others can use").isEqualTo("localhost");
        assertThat(s.stateDir()).hasToString("/var/lib/projector");
        assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(s.topics().orderEvents()).isEqualTo("staging.outbox.event.order");
        assertThat(s.sinkBatch()).isEqualTo(100);
    }

    @Test
    void badValuesNameTheVariableToFix() {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.put("PROJECTOR_HTTP_PORT", "eighty");
        assertThatThrownBy(() -> ProjectorSettings.fromEnv(Env.of(env)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROJECTOR_HTTP_PORT");

        env.put("PROJECTOR_HTTP_PORT", "8082");
        env.put("PROJECTOR_APPLICATION_ID", "read model");
        assertThatThrownBy(() -> ProjectorSettings.fromEnv(Env.of(env)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROJECTOR_APPLICATION_ID");

        assertThatThrownBy(() -> ProjectorSettings.fromEnv(Env.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SINK_DB_URL");
    }

    @Test
    void topicRetentionStandbysAndTheMarkerRetentionAreSettings() {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.putAll(Map.of("PROJECTOR_STANDBY_REPLICAS", "1", "PROJECTOR_READMODEL_DELETE_RETENTION", "2d",
                "PROJECTOR_READMODEL_MIN_COMPACTION_LAG", "10m", "PROJECTOR_DELETION_MARKER_RETENTION", "30d",
                "PROJECTOR_TOPIC_PARTITIONS", "6"));

        ProjectorSettings s = ProjectorSettings.fromEnv(Env.of(env));

        assertThat(s.standbyReplicas()).isEqualTo(1);
        assertThat(s.readModelTopics().deleteRetention()).isEqualTo(Duration.ofDays(2));
        assertThat(s.readModelTopics().minCompactionLag()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.deletionMarkerRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(s.topicPartitions()).as("the old name stays an alias of EVENT_TOPIC_PARTITIONS").isEqualTo(6);
        assertThat(Projector.streamsConfig(s, new org.apache.kafka.streams.state.HostInfo("h", 1)))
                .containsEntry("num.standby.replicas", 1);
    }

    @Test
    void deletionMarkersMustOutliveTheTombstones() {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.put("PROJECTOR_DELETION_MARKER_RETENTION", "7d");

        assertThatThrownBy(() -> ProjectorSettings.fromEnv(Env.of(env)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROJECTOR_DELETION_MARKER_RETENTION")
                .hasMessageContaining("longer than");
    }
}
