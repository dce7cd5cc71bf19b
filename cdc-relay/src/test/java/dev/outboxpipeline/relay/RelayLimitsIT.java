package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.infra.SharedServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Issue 11 items 4 and 8, issue 12 item 1: limits and surroundings the relay meets at start and on the way. */
class RelayLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void shouldRefuseASourceTransactionTooLongForTheKafkaTransactionTimeoutWithoutARestartLoop() throws Exception {
        // The timeout was fixed at 5 minutes: a longer transaction aborted, restarted and looped for ever.
        RelayFixture f = fixture("longtx");
        Map<String, String> env = f.env();
        env.put(RelaySettings.TRANSACTION_TIMEOUT, "300ms");
        env.put("RELAY_MAX_BATCH_SIZE", "50");
        env.put("RELAY_MAX_QUEUE_SIZE", "100");
        List<OutboxEvent> bulk = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            bulk.add(f.event("k" + (i % 500), i / 500 + 1));
        }
        try (Relay relay = RelayIT.startStreaming(env); Connection c = f.connect()) {
            OutboxWrites.copy(c, bulk);
            await().atMost(WAIT).until(() -> relay.state() == Relay.State.REFUSING);
            assertThat(relay.health().up()).isFalse();
            assertThat(String.valueOf(relay.health().details().get("reason")))
                    .contains(RelaySettings.TRANSACTION_TIMEOUT, "restart the relay");
            assertThat(f.read(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(f.eventTopic())), l -> false,
                    Duration.ofSeconds(2))).as("nothing of the transaction is visible").isEmpty();
            assertThat(relay.engineRuns()).isEqualTo(1);
        }
        env.put(RelaySettings.TRANSACTION_TIMEOUT, "10m");
        try (Relay ignored = RelayIT.startStreaming(env)) {
            List<ConsumedEvent> read = f.readEventsSettled(bulk.size(), WAIT);
            History history = History.check(bulk, read);
            assertThat(history.clean()).as(history.toString()).isTrue();
        }
    }

    @Test
    void shouldRefuseToStartOnAServerWithoutLogicalDecoding() {
        try (PostgresServer replica = PostgresServers.start("walreplica", Map.of("wal_level", "replica"))) {
            RelayFixture f = new RelayFixture(replica, SharedServers.kafka(), "wallevel");
            assertThatThrownBy(() -> Relay.start(RelaySettings.fromEnv(Env.of(f.env())), new SimpleMeterRegistry()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("wal_level=replica")
                    .hasMessageContaining("set wal_level=logical");
        }
    }

    @Test
    void shouldWaitAndAnswer503WhileNoBrokerAnswersThenStream() throws Exception {
        RelayFixture f = fixture("nobroker");
        Map<String, String> env = f.env();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry())) {
            assertThat(relay.state()).isEqualTo(Relay.State.STARTING);
            assertThat(relay.health().up()).isFalse();
            assertThat(String.valueOf(relay.health().details().get("lastError"))).contains("KAFKA_BOOTSTRAP_SERVERS");
        }
    }

    @Test
    void shouldWaitForAnUnreachableSourceDatabaseWithoutShowingItsPassword() {
        RelayFixture f = fixture("nodb");
        Map<String, String> env = f.env();
        env.put("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:1/shop?password=hunter2secret");
        env.put("SOURCE_DB_PASSWORD", "hunter2secret");
        try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry())) {
            assertThat(relay.health().up()).isFalse();
            assertThat(relay.health().details().toString()).contains("no PostgreSQL answers").doesNotContain("hunter2secret");
        }
    }

    private static RelayFixture fixture(String name) {
        return new RelayFixture(SharedServers.postgres(), SharedServers.kafka(), name);
    }
}
