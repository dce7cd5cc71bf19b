package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.contract.TopicNames;
import dev.outboxpipeline.infra.SharedServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 11, items 3, 5 and 6: topics that cannot take valid events stop the relay; records too large are dead letters. */
class RelayTopicsIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void shouldStopOnATopicCreatedNotCompactedAfterStartAndResumeExactlyOnceWhenFixed() throws Exception {
        // Such a topic (broker auto-creation, another client) sent every event of its type to outbox.dlq for good.
        RelayFixture f = fixture("latetopic");
        Map<String, String> env = f.env();
        env.put("RELAY_STANDBY_RETRY", "500ms");
        List<OutboxEvent> committed = new ArrayList<>();
        try (Relay relay = RelayIT.startStreaming(env); Connection c = f.connect();
             Admin admin = Admin.create(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(f.eventTopic(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get();
            List<OutboxEvent> events = List.of(f.event("t1", 1), f.event("t2", 1), f.event("t1", 2));
            OutboxWrites.insert(c, events);
            committed.addAll(events);
            await().atMost(WAIT).until(() -> relay.state() == Relay.State.REFUSING);
            assertThat(relay.health().up()).isFalse();
            assertThat(String.valueOf(relay.health().details().get("reason")))
                    .contains("cleanup.policy=delete", "--add-config cleanup.policy=compact", "wait in the replication slot");
            int runs = relay.engineRuns();

            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, f.eventTopic());
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET)))).all().get();
            await().atMost(WAIT).until(() -> relay.state() == Relay.State.STREAMING);
            assertThat(relay.engineRuns()).as("one engine start after the fix, none while refusing").isEqualTo(runs + 1);
            OutboxEvent more = f.event("t2", 2);
            OutboxWrites.insert(c, List.of(more));
            committed.add(more);

            List<ConsumedEvent> read = f.readEventsSettled(committed.size(), WAIT);
            History history = History.check(committed, read);
            assertThat(history.clean()).as(history.toString()).isTrue();
            List<String> ids = committed.stream().map(e -> e.id().toString()).toList();
            List<ConsumedEvent> letters = f.read(Pattern.compile(Pattern.quote(TopicNames.RELAY_DEAD_LETTERS)), l -> false,
                    Duration.ofSeconds(3));
            assertThat(letters).noneMatch(e -> e.id() != null && ids.contains(e.id()));
        } finally {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
                admin.deleteTopics(List.of(f.eventTopic())).all().get();
            }
        }
    }

    @Test
    void shouldSendARecordTooLargeForItsTopicToTheDeadLetterTopicWithItsPayloadAndKeepRelaying() throws Exception {
        // The broker's RecordTooLargeException aborted the transaction and restarted the engine in a loop.
        RelayFixture f = fixture("toolarge");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(f.eventTopic(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", "4000")))).all().get();
        }
        try (Relay relay = RelayIT.startStreaming(f.env()); Connection c = f.connect()) {
            OutboxEvent large = f.event("big", 1).withPayload("{\"blob\": \"" + "b".repeat(10_000) + "\"}");
            OutboxEvent good = f.event("small", 1);
            OutboxWrites.insert(c, List.of(large, good));

            assertThat(f.readEvents(1, WAIT)).extracting(ConsumedEvent::id).containsExactly(good.id().toString());
            List<ConsumedEvent> letters = f.read(Pattern.compile(Pattern.quote(TopicNames.RELAY_DEAD_LETTERS)),
                    l -> l.stream().anyMatch(e -> large.id().toString().equals(e.id())), WAIT);
            ConsumedEvent letter = letters.stream().filter(e -> large.id().toString().equals(e.id())).findFirst().orElseThrow();
            assertThat(letter.headerValue("dlq-reason")).contains("max.message.bytes of 4000 bytes of topic " + f.eventTopic());
            assertThat(letter.value()).as("the payload fits the dead-letter topic").isNotNull();
            assertThat(relay.engineRuns()).isEqualTo(1);
        }
    }

    @Test
    void shouldCreateEventTopicsThatKeepTombstonesAndAnOffsetsTopicThatCompactsQuickly() throws Exception {
        RelayFixture f = fixture("topicconfig");
        Map<String, String> env = f.env();
        env.put("EVENT_TOPIC_DELETE_RETENTION", "2d");
        RelaySettings settings = RelaySettings.fromEnv(Env.of(env));
        try (Relay relay = Relay.start(settings, new SimpleMeterRegistry()); Connection c = f.connect()) {
            await().atMost(WAIT).until(() -> relay.state() == Relay.State.STREAMING);
            OutboxWrites.insert(c, List.of(f.event("x", 1)));
            f.readEvents(1, WAIT);
        }
        Map<String, String> event = configs(f, f.eventTopic());
        assertThat(event).containsEntry("cleanup.policy", "compact")
                .containsEntry("delete.retention.ms", String.valueOf(Duration.ofDays(2).toMillis()))
                .containsEntry("min.compaction.lag.ms", String.valueOf(Duration.ofHours(1).toMillis()));
        Map<String, String> offsets = configs(f, settings.slotOffsetsTopic());
        assertThat(offsets).containsEntry("cleanup.policy", "compact")
                .containsEntry("segment.ms", String.valueOf(Duration.ofMinutes(10).toMillis()))
                .containsEntry("segment.bytes", String.valueOf(1024 * 1024));
    }

    private static Map<String, String> configs(RelayFixture f, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Map<String, String> m = new java.util.HashMap<>();
            admin.describeConfigs(List.of(r)).all().get().get(r).entries().forEach(e -> m.put(e.name(), e.value()));
            return m;
        }
    }

    private static RelayFixture fixture(String name) {
        return new RelayFixture(SharedServers.postgres(), SharedServers.kafka(), name);
    }
}
