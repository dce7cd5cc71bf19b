package dev.outboxpipeline.cli;

import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RelayCommandIT {

    // An unreachable database no longer exits 2: the relay waits and answers 503 (RelayLimitsIT in cdc-relay).

    @Test
    void relayResetExitsTwoWithoutAcceptGap() {
        CommandRun r = CommandRun.of(Map.of("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:1/shop",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"), "relay", "reset");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--accept-gap");
    }

    @Test
    void relayResetRecordsNothingWhenTheRelayHasNoGap() {
        PostgresServer server = SharedServers.postgres();
        String url = TestDatabase.source("relay_cmd_nogap").url();
        CommandRun r = CommandRun.of(Map.of("SOURCE_DB_URL", url, "SOURCE_DB_USER", server.user(),
                "SOURCE_DB_PASSWORD", server.password(), "KAFKA_BOOTSTRAP_SERVERS", SharedServers.kafka().bootstrapServers(),
                "RELAY_SLOT_NAME", "relay_cmd_nogap"), "relay", "reset", "--accept-gap");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("nothing recorded");
    }

    @Test
    void relayExitsTwoWhenTheSourceHasNoPublicationYet() {
        PostgresServer server = SharedServers.postgres();
        CommandRun r = CommandRun.of(Map.of("SOURCE_DB_URL", server.createDatabase("relay_cmd_unmigrated"),
                "SOURCE_DB_USER", server.user(), "SOURCE_DB_PASSWORD", server.password(),
                "KAFKA_BOOTSTRAP_SERVERS", SharedServers.kafka().bootstrapServers(),
                "RELAY_HTTP_PORT", "0"), "relay"); // /health binds before the checks now: any free port

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
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
        assertThat(CommandRun.of(Map.of(), "relay", "--help").out()).contains("RELAY_HTTP_PORT", "reset");
        assertThat(CommandRun.of(Map.of(), "relay", "reset", "--help").out()).contains("--accept-gap");
    }
}
