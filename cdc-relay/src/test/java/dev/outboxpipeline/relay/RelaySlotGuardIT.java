package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.infra.SharedServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 11, item 2: never stream past a gap, say so plainly, and stream on only after a recorded decision. */
class RelaySlotGuardIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void shouldRefuseAfterTheSlotWasDroppedAndStreamOnAfterResetAcceptGap() throws Exception {
        // Debezium recreated the dropped slot and restarted every 2.5 s with a stack trace and advice about snapshot modes.
        RelayFixture f = fixture("dropped");
        Map<String, String> env = f.env();
        List<OutboxEvent> expected = new ArrayList<>(streamSome(f, env, "d"));
        try (Connection c = f.connect(); Statement s = c.createStatement()) {
            OutboxWrites.insert(c, List.of(f.event("gap", 1))); // in the gap: lost by the decision below
            s.execute("SELECT pg_drop_replication_slot('" + env.get("RELAY_SLOT_NAME") + "')");
        }
        RelaySettings settings = RelaySettings.fromEnv(Env.of(env));
        try (Relay relay = Relay.start(settings, new SimpleMeterRegistry())) {
            awaitRefusal(relay, "does not exist", "relay reset --accept-gap");
            assertThat(relay.engineRuns()).as("no engine start, so no slot recreated").isZero();

            StringWriter out = new StringWriter();
            assertThat(GapReset.acceptGap(settings, new PrintWriter(out, true))).isZero();
            assertThat(out.toString()).contains("recorded the decision in topic " + settings.slotOffsetsTopic())
                    .contains("resumes from a new slot");
            await().atMost(WAIT).until(() -> relay.state() == Relay.State.STREAMING);
            OutboxEvent after = f.event("d", 9);
            try (Connection c = f.connect()) {
                OutboxWrites.insert(c, List.of(after));
            }
            expected.add(after);
            List<ConsumedEvent> read = f.readEventsSettled(expected.size(), WAIT);
            History history = History.check(expected, read);
            assertThat(history.clean()).as(history.toString()).isTrue();
        }
    }

    @Test
    void shouldRefuseAnOffsetOfAnotherDatabaseWithTheSameSlotName() throws Exception {
        // The offset's key named only the slot: pointed at another server, the relay took its foreign LSN and
        // skipped every event there below it, silently.
        RelayFixture f = fixture("foreign");
        Map<String, String> env = f.env();
        streamSome(f, env, "f");
        try (PostgresServer other = PostgresServers.start("other", Map.of())) {
            String url = other.createDatabase("shop");
            Migrations.migrate(Database.SOURCE, dev.outboxpipeline.config.JdbcSettings.of(
                    dev.outboxpipeline.config.JdbcSettings.SOURCE, url, other.user(), other.password()));
            env.put("SOURCE_DB_URL", url);
            env.put("SOURCE_DB_USER", other.user());
            env.put("SOURCE_DB_PASSWORD", other.password());
            try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry())) {
                awaitRefusal(relay, "belongs to another database", "relay reset --accept-gap");
                assertThat(relay.engineRuns()).isZero();
            }
        }
    }

    @Test
    void shouldRefuseWhenTheSlotIsPastTheCommittedOffset() throws Exception {
        RelayFixture f = fixture("advanced");
        Map<String, String> env = f.env();
        streamSome(f, env, "a");
        try (Connection c = f.connect(); Statement s = c.createStatement()) {
            OutboxWrites.insert(c, List.of(f.event("skipped", 1)));
            s.execute("SELECT pg_replication_slot_advance('" + env.get("RELAY_SLOT_NAME") + "', pg_current_wal_lsn())");
        }
        try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry())) {
            awaitRefusal(relay, "past the committed offset", "relay reset --accept-gap");
        }
    }

    @Test
    void shouldRefuseALostSlotExposeItsWalStatusAndDropItOnReset() throws Exception {
        try (PostgresServer small = PostgresServers.start("lostslot", Map.of("max_slot_wal_keep_size", "1MB",
                "wal_keep_size", "0", "max_wal_size", "32MB", "min_wal_size", "32MB"))) {
            RelayFixture f = new RelayFixture(small, SharedServers.kafka(), "lost");
            Map<String, String> env = f.env();
            List<OutboxEvent> expected = new ArrayList<>(streamSome(f, env, "l"));
            String slot = env.get("RELAY_SLOT_NAME");
            try (Connection c = f.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE filler (data text)");
                await().atMost(WAIT).until(() -> {
                    s.execute("INSERT INTO filler SELECT repeat('f', 1000) FROM generate_series(1, 20000)");
                    s.execute("SELECT pg_switch_wal()");
                    s.execute("CHECKPOINT");
                    try (ResultSet rs = s.executeQuery("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
                        return rs.next() && "lost".equals(rs.getString(1));
                    }
                });
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RelaySettings settings = RelaySettings.fromEnv(Env.of(env));
            try (Relay relay = Relay.start(settings, registry)) {
                awaitRefusal(relay, "wal_status=lost", "relay reset --accept-gap");
                await().atMost(WAIT).untilAsserted(() -> assertThat(registry.get("relay.slot.wal.status")
                        .tag("status", "lost").gauge().value()).isEqualTo(1.0));
                assertThat(registry.get("relay.slot.retained").gauge().value()).isNotNaN();

                StringWriter out = new StringWriter();
                assertThat(GapReset.acceptGap(settings, new PrintWriter(out, true))).isZero();
                assertThat(out.toString()).contains("dropped the lost slot " + slot);
                await().atMost(WAIT).until(() -> relay.state() == Relay.State.STREAMING);
                OutboxEvent after = f.event("l", 9);
                try (Connection c = f.connect()) {
                    OutboxWrites.insert(c, List.of(after));
                }
                expected.add(after);
                List<ConsumedEvent> read = f.readEventsSettled(expected.size(), WAIT);
                History history = History.check(expected, read);
                assertThat(history.clean()).as(history.toString()).isTrue();
            }
        }
    }

    @Test
    void shouldRecordNothingWhenThereIsNoGap() throws Exception {
        RelayFixture f = fixture("nogap");
        Map<String, String> env = f.env();
        streamSome(f, env, "n");
        StringWriter out = new StringWriter();
        assertThat(GapReset.acceptGap(RelaySettings.fromEnv(Env.of(env)), new PrintWriter(out, true))).isEqualTo(GapReset.NO_GAP);
        assertThat(out.toString()).contains("nothing recorded");
    }

    private static RelayFixture fixture(String name) {
        return new RelayFixture(SharedServers.postgres(), SharedServers.kafka(), name);
    }

    /** Runs a relay until two events are committed, then stops it: an offset and a slot exist. */
    private static List<OutboxEvent> streamSome(RelayFixture f, Map<String, String> env, String key) throws Exception {
        List<OutboxEvent> events = List.of(f.event(key, 1), f.event(key, 2));
        try (Relay relay = RelayIT.startStreaming(env); Connection c = f.connect()) {
            OutboxWrites.insert(c, events);
            await().atMost(WAIT).until(() -> relay.eventsRelayed() >= 2);
        }
        return events;
    }

    private static void awaitRefusal(Relay relay, String... reason) {
        await().atMost(WAIT).until(() -> relay.state() == Relay.State.REFUSING);
        assertThat(relay.health().up()).isFalse();
        assertThat(String.valueOf(relay.health().details().get("reason"))).contains(reason);
    }
}
