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
    void theDefaultQueueBoundLeavesRoomInA256MiBHeap() {
        // the relay holds up to twice the queue bound (the queue refills while the batch drained from it is published)
        // plus the producer's buffer.memory, 32 MiB by default; 256 MiB was the whole of such a heap twice over
        RelaySettings s = RelaySettings.fromEnv(Env.of(minimal()));
        long heap = 256L * 1024 * 1024;
        assertThat(2 * s.maxQueueBytes() + 32L * 1024 * 1024).isLessThanOrEqualTo(heap * 3 / 4);
    }

    @Test
    void decodesMessagesAndAddsCloudEventsHeadersByDefault() {
        RelaySettings s = RelaySettings.fromEnv(Env.of(minimal()));
        assertThat(s.decodeMessages()).isTrue();
        assertThat(s.cloudEventsSource()).contains("/outbox-pipeline");
    }

    @Test
    void aSwitchTurnsTheCloudEventsHeadersOffAndASourceNamesThem() {
        Map<String, String> env = minimal();
        env.put("RELAY_CLOUDEVENTS", "false");
        assertThat(RelaySettings.fromEnv(Env.of(env)).cloudEventsSource()).isEmpty();
        env.put("RELAY_CLOUDEVENTS", "true");
        env.put("RELAY_CLOUDEVENTS_SOURCE", "https://shop.example/orders");
        assertThat(RelaySettings.fromEnv(Env.of(env)).cloudEventsSource()).contains("https://shop.example/orders");
    }

    @Test
    void rejectsACloudEventsSourceThatIsNoUriAndASwitchThatIsNoBoolean() {
        Map<String, String> env = minimal();
        env.put("RELAY_CLOUDEVENTS_SOURCE", "not a uri");
        assertThatThrownBy(() -> RelaySettings.fromEnv(Env.of(env))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RELAY_CLOUDEVENTS_SOURCE=not a uri").hasMessageContaining("RELAY_CLOUDEVENTS=false");
        Map<String, String> env2 = minimal();
        env2.put("RELAY_DECODE_MESSAGES", "maybe");
        assertThatThrownBy(() -> RelaySettings.fromEnv(Env.of(env2))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RELAY_DECODE_MESSAGES=maybe");
    }

    @Test
    void refusesToDecodeMessagesFromPostgresOlderThan14WithTheFix() {
        assertThatThrownBy(() -> SourceAdmin.requireMessageDecoding(130011, "13.11", "jdbc:postgresql://db/shop"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("runs PostgreSQL 13.11").hasMessageContaining("RELAY_DECODE_MESSAGES=false")
                .hasMessageContaining("upgrade PostgreSQL to 14");
        SourceAdmin.requireMessageDecoding(140000, "14.0", "jdbc:postgresql://db/shop");
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
        env.put("RELAY_TOPIC_REPLICATION_FACTOR", "1");
        env.put("RELAY_TOPIC_MIN_INSYNC_REPLICAS", "2");
        assertThatThrownBy(() -> RelaySettings.fromEnv(Env.of(env))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("EVENT_TOPIC_REPLICATION_FACTOR=1");
    }

    @Test
    void replicationAndTransactionTimeoutDefaultToTheBrokers() {
        RelaySettings s = RelaySettings.fromEnv(Env.of(minimal()));
        assertThat(s.eventTopics().replicationFactor()).isEmpty();
        assertThat(s.eventTopics().minInsyncReplicas()).isEmpty();
        assertThat(s.transactionTimeout()).isEmpty();
        assertThat(s.slotOffsetsTopic()).isEqualTo("outbox.relay.offsets.outbox_relay");
        assertThat(s.maxQueueBytes()).isEqualTo(RelaySettings.DEFAULT_QUEUE_BYTES);
    }

    @Test
    void takesTheTransactionTimeoutAsADuration() {
        Map<String, String> env = minimal();
        env.put("RELAY_KAFKA_TRANSACTION_TIMEOUT", "30m");
        assertThat(RelaySettings.fromEnv(Env.of(env)).transactionTimeout()).contains(java.time.Duration.ofMinutes(30));
    }

    @Test
    void passesJdbcUrlParametersOnToDebezium() {
        // Parameters other than sslmode were dropped on the way to Debezium, silently.
        Map<String, String> env = minimal();
        env.put("SOURCE_DB_URL", "jdbc:postgresql://localhost:5432/shop?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                + "&sslcert=/etc/c.pem&options=-c%20statement_timeout%3D0&ApplicationName=relay");
        Map<String, String> p = SourceAdmin.debeziumProperties(RelaySettings.fromEnv(Env.of(env)).source());
        assertThat(p).containsEntry("database.sslmode", "verify-full").containsEntry("database.sslrootcert", "/etc/ca.pem")
                .containsEntry("database.sslcert", "/etc/c.pem").containsEntry("driver.options", "-c statement_timeout=0")
                .containsEntry("driver.ApplicationName", "relay");
    }

    @Test
    void refusesJdbcUrlParametersThatWouldChangeTheReplicationConnection() {
        Map<String, String> env = minimal();
        env.put("SOURCE_DB_URL", "jdbc:postgresql://localhost:5432/shop?replication=true");
        RelaySettings s = RelaySettings.fromEnv(Env.of(env));
        assertThatThrownBy(() -> SourceAdmin.debeziumProperties(s.source())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication");
    }

    @Test
    void debeziumGetsTheDatabaseFromTheJdbcUrl() {
        RelaySettings s = RelaySettings.fromEnv(Env.of(minimal()));
        Map<String, String> p = SourceAdmin.debeziumProperties(s.source());
        assertThat(p).containsEntry("database.hostname", "localhost").containsEntry("database.port", "5432")
                .containsEntry("database.dbname", "shop");
    }
}
