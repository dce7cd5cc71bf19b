package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.contract.TopicNames;
import dev.outboxpipeline.infra.SharedServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import dev.outboxpipeline.ops.ServiceHttp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RelayIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private static RelayFixture fixture(String name) {
        return new RelayFixture(SharedServers.postgres(), SharedServers.kafka(), name);
    }

    static Relay startStreaming(Map<String, String> env) {
        Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> relay.state() == Relay.State.STREAMING);
        return relay;
    }

    @Test
    void shouldPublishEachEventOnceKeyedRoutedAndInCommitOrderIncludingACopy() throws Exception {
        RelayFixture f = fixture("publish");
        List<OutboxEvent> committed = new ArrayList<>();
        try (Relay relay = startStreaming(f.env()); Connection c = f.connect()) {
            List<OutboxEvent> oneTransaction = List.of(f.event("a1", 1), f.event("a1", 2), f.event("a2", 1));
            OutboxWrites.insert(c, oneTransaction);
            committed.addAll(oneTransaction);
            List<OutboxEvent> copied = new ArrayList<>();
            for (int v = 1; v <= 10; v++) {
                for (int a = 0; a < 50; a++) {
                    copied.add(f.event("c" + a, v));
                }
            }
            OutboxWrites.copy(c, copied);
            committed.addAll(copied);
            OutboxEvent deleted = f.event("a2", 2).withPayload(null);
            OutboxWrites.insert(c, List.of(deleted));
            committed.add(deleted);

            List<ConsumedEvent> read = f.readEventsSettled(committed.size(), WAIT);

            History history = History.check(committed, read);
            assertThat(history.clean()).as(history.toString()).isTrue();
            Map<String, String> storedPayloads = payloadTexts(c);
            for (ConsumedEvent e : read) {
                OutboxEvent source = committed.stream().filter(o -> o.id().toString().equals(e.id())).findFirst().orElseThrow();
                assertThat(e.key()).isEqualTo(source.aggregateId());
                assertThat(e.headerValue("type")).isEqualTo(source.type());
                assertThat(e.headerValue("source-lsn")).matches("\\d+");
                assertThat(e.headerValue("source-ts-ms")).matches("\\d+");
                String payload = storedPayloads.get(e.id());
                assertThat(e.value() == null ? null : new String(e.value(), StandardCharsets.UTF_8)).isEqualTo(payload);
            }
            assertThat(read.stream().filter(e -> e.id().equals(deleted.id().toString())).findFirst().orElseThrow().value())
                    .as("a deleted aggregate's event is a tombstone").isNull();
            assertThat(read.stream().filter(e -> e.key().equals("c7")).map(ConsumedEvent::partition).distinct())
                    .as("one aggregate, one partition").hasSize(1);
            assertThat(topicConfig(f, f.eventTopic(), "cleanup.policy")).isEqualTo("compact");
            assertThat(relay.health().up()).isTrue();
        }
    }

    @Test
    void shouldNotLoseCopyRowsWhenStoppedRightAfterACommitMidBacklog() throws Exception {
        // The prototype lost 64 of 1,000 events here: its commit ended inside a COPY whose rows share LSNs,
        // and the restart skipped the rest of that LSN.
        RelayFixture f = fixture("copyhalt");
        Map<String, String> env = f.env();
        env.put("RELAY_MAX_BATCH_SIZE", "16");
        env.put("RELAY_MAX_QUEUE_SIZE", "64");
        startStreaming(env).close(); // the slot exists from here on
        List<OutboxEvent> committed = new ArrayList<>();
        try (Connection c = f.connect()) {
            for (int copy = 0; copy < 10; copy++) {
                List<OutboxEvent> rows = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    rows.add(f.event("k" + i, copy + 1));
                }
                OutboxWrites.copy(c, rows);
                committed.addAll(rows);
            }
        }
        for (int halt = 0; halt < 3; halt++) {
            Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), new SimpleMeterRegistry());
            long before = relay.eventsRelayed();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> relay.eventsRelayed() > before);
            relay.close();
        }
        try (Relay ignored = startStreaming(env)) {
            List<ConsumedEvent> read = f.readEventsSettled(committed.size(), WAIT);
            History history = History.check(committed, read);
            assertThat(history.clean()).as(history.toString()).isTrue();
        }
    }

    @Test
    void shouldSendBadEventsToTheDeadLetterTopicAndKeepRelaying() throws Exception {
        RelayFixture f = fixture("dlq");
        try (Relay ignored = startStreaming(f.env()); Connection c = f.connect()) {
            OutboxEvent nullKey = f.event("x", 1).withAggregateId(null);
            OutboxEvent badType = f.event("y", 1).withAggregateType("no spaces allowed");
            OutboxEvent tooLarge = f.event("z", 1).withPayload("{\"blob\": \"" + "b".repeat(1_200_000) + "\"}");
            OutboxEvent good = f.event("w", 1);
            OutboxWrites.insert(c, List.of(nullKey));
            OutboxWrites.insert(c, List.of(badType));
            OutboxWrites.insert(c, List.of(tooLarge));
            OutboxWrites.insert(c, List.of(good));

            assertThat(f.readEvents(1, WAIT)).extracting(ConsumedEvent::id).containsExactly(good.id().toString());
            List<String> bad = List.of(nullKey.id().toString(), badType.id().toString(), tooLarge.id().toString());
            List<ConsumedEvent> letters = f.read(Pattern.compile(Pattern.quote(TopicNames.RELAY_DEAD_LETTERS)),
                    l -> l.stream().filter(e -> e.id() != null && bad.contains(e.id())).count() == 3, WAIT);
            Map<String, String> reasons = new HashMap<>();
            // letters of undecodable outbox messages (other tests) carry no event id
            letters.stream().filter(e -> e.id() != null && bad.contains(e.id()))
                    .forEach(e -> reasons.put(e.id(), e.headerValue("dlq-reason")));
            assertThat(reasons.get(nullKey.id().toString())).contains("aggregateid is null");
            assertThat(reasons.get(badType.id().toString())).contains("legal topic name");
            assertThat(reasons.get(tooLarge.id().toString())).contains("max.request.size");
            assertThat(letters).filteredOn(e -> e.id() != null && bad.contains(e.id()))
                    .allSatisfy(e -> assertThat(e.headerValue("source-lsn")).isNotNull());
        }
    }

    @Test
    void shouldKeepTheSlotLagBoundedWhileTheOutboxIsIdle() throws Exception {
        RelayFixture f = fixture("heartbeat");
        Map<String, String> env = f.env();
        env.put("RELAY_HEARTBEAT_INTERVAL", "500ms");
        try (Relay ignored = startStreaming(env); Connection c = f.connect(); Statement s = c.createStatement()) {
            // WAL the relay does not decode: without heartbeats the slot would keep all of it
            s.execute("CREATE TABLE filler (id serial primary key, data text)");
            s.execute("INSERT INTO filler (data) SELECT repeat('f', 1000) FROM generate_series(1, 20000)");
            long written = 20_000L * 1000;
            SourceAdmin db = new SourceAdmin(f.jdbc(), env.get("RELAY_SLOT_NAME"));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> db.slotLagBytes().orElse(Long.MAX_VALUE) < written / 20);
            db.close();
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM relay_heartbeat WHERE slot_name = '"
                    + env.get("RELAY_SLOT_NAME") + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldRefuseToStartWhenAnEventTopicIsNotCompacted() throws Exception {
        RelayFixture f = fixture("notcompacted");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(f.eventTopic(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get();
        }
        try {
            assertThatThrownBy(() -> Relay.start(RelaySettings.fromEnv(Env.of(f.env())), new SimpleMeterRegistry()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("topic " + f.eventTopic() + " exists with cleanup.policy=delete")
                    .hasMessageContaining("--add-config cleanup.policy=compact");
        } finally {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
                admin.deleteTopics(List.of(f.eventTopic())).all().get(); // the broker is shared with other tests
            }
        }
    }

    @Test
    void shouldRefuseToStartWithoutThePublication() throws Exception {
        RelayFixture f = fixture("nopub");
        try (Connection c = f.connect(); Statement s = c.createStatement()) {
            s.execute("DROP PUBLICATION outbox_publication");
        }
        assertThatThrownBy(() -> Relay.start(RelaySettings.fromEnv(Env.of(f.env())), new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("outbox_publication does not exist")
                .hasMessageContaining("migrate --target source");
    }

    @Test
    void shouldWaitAsStandbyWhileAnotherRelayHoldsTheSlotAndTakeOverAfterIt() throws Exception {
        RelayFixture f = fixture("standby");
        Relay active = startStreaming(f.env());
        try (Relay standby = Relay.start(RelaySettings.fromEnv(Env.of(f.env())), new SimpleMeterRegistry());
             Connection c = f.connect()) {
            await().atMost(WAIT).until(() -> standby.state() == Relay.State.STANDBY);
            active.close();
            await().atMost(WAIT).until(() -> standby.state() == Relay.State.STREAMING);
            OutboxEvent e = f.event("s1", 1);
            OutboxWrites.insert(c, List.of(e));
            assertThat(f.readEvents(1, WAIT)).extracting(ConsumedEvent::id).containsExactly(e.id().toString());
        } finally {
            active.close();
        }
    }

    @Test
    void shouldServeHealthAndMetricsWithEventsBatchesCommitLatencyLsnAndSlotLag() throws Exception {
        RelayFixture f = fixture("metrics");
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        try (Relay relay = Relay.start(RelaySettings.fromEnv(Env.of(f.env())), registry);
             ServiceHttp http = ServiceHttp.start("relay", "127.0.0.1", 0, registry, relay::health, app -> { });
             Connection c = f.connect()) {
            await().atMost(WAIT).until(() -> relay.state() == Relay.State.STREAMING);
            OutboxWrites.insert(c, List.of(f.event("m1", 1), f.event("m2", 1)));
            await().atMost(WAIT).until(() -> relay.eventsRelayed() >= 2);

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"state\":\"STREAMING\"");
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("relay_events_relayed_total 2.0", "relay_batches_committed_total",
                    "relay_kafka_commit_seconds_count", "relay_lsn_committed", "relay_slot_lag_bytes");
        }
    }

    private static Map<String, String> payloadTexts(Connection c) throws Exception {
        Map<String, String> m = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id::text, payload::text FROM outbox")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2));
            }
        }
        return m;
    }

    private static String topicConfig(RelayFixture f, String topic, String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(r)).all().get().get(r).get(name).value();
        }
    }
}
