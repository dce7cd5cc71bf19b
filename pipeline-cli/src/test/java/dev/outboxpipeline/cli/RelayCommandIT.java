package dev.outboxpipeline.cli;

import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RelayCommandIT {

    @Test
    void relayExitsTwoNamingTheUrlWhenNoDatabaseAnswersWithoutShowingThePassword() {
        CommandRun r = CommandRun.of(Map.of("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:1/shop",
                "SOURCE_DB_PASSWORD", "hunter2", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"), "relay");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("SOURCE_DB_URL").doesNotContain("hunter2");
    }

    @Test
    void relayExitsTwoWhenTheSourceHasNoPublicationYet() {
        PostgresServer server = SharedServers.postgres();
        CommandRun r = CommandRun.of(Map.of("SOURCE_DB_URL", server.createDatabase("relay_cmd_unmigrated"),
                "SOURCE_DB_USER", server.user(), "SOURCE_DB_PASSWORD", server.password(),
                "KAFKA_BOOTSTRAP_SERVERS", SharedServers.kafka().bootstrapServers()), "relay");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("outbox_publication does not exist", "migrate --target source");
    }

    @Test
    void relayExitsTwoOnABadSlotName() {
        CommandRun r = CommandRun.of(Map.of("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:1/shop",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "RELAY_SLOT_NAME", "Bad-Slot"), "relay");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("RELAY_SLOT_NAME=Bad-Slot");
    }

    @Test
    void relayPrintsHelp() {
        assertThat(CommandRun.of(Map.of(), "relay", "--help").out()).contains("RELAY_HTTP_PORT");
    }
}
