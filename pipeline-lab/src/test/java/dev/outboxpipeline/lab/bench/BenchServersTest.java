package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.relay.RelaySettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The benches configure the services from the user's environment, as the services read it, on throwaway servers. */
class BenchServersTest {

    private static final JdbcSettings SOURCE = JdbcSettings.of(JdbcSettings.SOURCE, "jdbc:postgresql://127.0.0.1:5999/bench",
            "postgres", null);

    @Test
    void userTuningPassesThroughAndTheThrowawayServersReplaceTheConnections() {
        Env user = Env.of(Map.of("RELAY_TOPIC_PARTITIONS", "6", "KAFKA_LINGER_MS", "5",
                "SOURCE_DB_URL", "jdbc:postgresql://production:5432/shop", "KAFKA_BOOTSTRAP_SERVERS", "production:9092",
                "RELAY_HTTP_PORT", "8081", "HOME", "/root"));

        Map<String, String> env = BenchServers.environment(user, Map.of("RELAY_TOPIC_PARTITIONS", "3"), SOURCE, null,
                "127.0.0.1:39092");

        assertThat(env).containsEntry("RELAY_TOPIC_PARTITIONS", "6").containsEntry("KAFKA_LINGER_MS", "5")
                .containsEntry("SOURCE_DB_URL", SOURCE.url()).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:39092")
                .containsEntry("RELAY_HTTP_PORT", "0").doesNotContainKey("HOME");
        RelaySettings relay = RelaySettings.fromEnv(Env.of(env));
        assertThat(relay.httpPort()).isZero();
    }

    @Test
    void theBenchsOwnDefaultsHoldWhenTheUserSetsNothing() {
        Map<String, String> env = BenchServers.environment(Env.of(Map.of()), Map.of("RELAY_TOPIC_PARTITIONS", "3"), SOURCE,
                null, "127.0.0.1:39092");

        assertThat(env).containsEntry("RELAY_TOPIC_PARTITIONS", "3");
    }
}
