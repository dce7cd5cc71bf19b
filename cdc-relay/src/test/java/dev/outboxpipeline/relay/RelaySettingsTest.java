package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelaySettingsTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("SOURCE_DB_URL", "jdbc:postgresql://localhost:5432/shop");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        return env;
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        RelaySettings s = RelaySettings.fromEnv(Env.of(minimal()));
        assertThat(s.slotName()).isEqualTo("outbox_relay");
        assertThat(s.offsetsTopic()).isEqualTo("outbox.relay.offsets");
        assertThat(s.httpPort()).isEqualTo(8081);
        assertThat(s.transactionalId()).isEqualTo("outbox-relay-outbox_relay");
    }

    @Test
    void rejectsASlotNamePostgresWouldRefuse() {
        Map<String, String> env = minimal();
        env.put("RELAY_SLOT_NAME", "My-Slot");
        assertThatThrownBy(() -> RelaySettings.fromEnv(Env.of(env))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RELAY_SLOT_NAME=My-Slot");
    }

    @Test
    void rejectsMoreInSyncReplicasThanReplicas() {
        Map<String, String> env = minimal();
        env.put("RELAY_TOPIC_MIN_INSYNC_REPLICAS", "2");
        assertThatThrownBy(() -> RelaySettings.fromEnv(Env.of(env))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RELAY_TOPIC_REPLICATION_FACTOR=1");
    }

    @Test
    void debeziumGetsTheDatabaseFromTheJdbcUrl() {
        RelaySettings s = RelaySettings.fromEnv(Env.of(minimal()));
        Map<String, String> p = SourceDatabase.debeziumProperties(s.source());
        assertThat(p).containsEntry("database.hostname", "localhost").containsEntry("database.port", "5432")
                .containsEntry("database.dbname", "shop");
    }
}
