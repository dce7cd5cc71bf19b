package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.infra.SharedServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 11, item 1: the relay fences before it reads its committed offset. */
class RelayFencingIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void shouldNotPublishAgainWhatAZombieCommitsWhileTheRelayStarts() throws Exception {
        // A commit still completing while a relay started (a zombie, a commit that timed out in a broker restart)
        // made the relay resume from the offset before it and publish that transaction a second time.
        RelayFixture f = new RelayFixture(SharedServers.postgres(), SharedServers.kafka(), "zombie");
        RelaySettings settings = RelaySettings.fromEnv(Env.of(f.env()));
        List<OutboxEvent> committed = new ArrayList<>();
        try (Relay relay = RelayIT.startStreaming(f.env()); Connection c = f.connect()) {
            List<OutboxEvent> first = List.of(f.event("a", 1), f.event("b", 1));
            OutboxWrites.insert(c, first);
            committed.addAll(first);
            await().atMost(WAIT).until(() -> relay.eventsRelayed() >= 2);
        }
        List<OutboxEvent> later = List.of(f.event("a", 2), f.event("c", 1));
        try (Connection c = f.connect()) {
            OutboxWrites.insert(c, later);
        }
        committed.addAll(later);

        // the zombie: the relay's transactional id, the later events and an offset past them, not yet committed
        OffsetsTopic offsets = new OffsetsTopic(settings.slotOffsetsTopic(), settings.offsetsTopic(), settings.slotName());
        OffsetsTopic.Committed last = offsets.readLast(settings.kafka().clientConfig()).orElseThrow();
        SourceAdmin db = new SourceAdmin(settings.source(), settings.slotName());
        long walEnd = db.currentWalLsn();
        DatabaseIdentity identity = db.identity();
        db.close();
        KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(Relay.producerConfig(settings, Duration.ofMinutes(1)));
        zombie.initTransactions();
        zombie.beginTransaction();
        for (OutboxEvent e : later) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("id", e.id().toString().getBytes(StandardCharsets.UTF_8));
            headers.add("type", e.type().getBytes(StandardCharsets.UTF_8));
            headers.add("aggregate-version", String.valueOf(e.version()).getBytes(StandardCharsets.UTF_8));
            zombie.send(new ProducerRecord<>(f.eventTopic(), null, e.aggregateId().getBytes(StandardCharsets.UTF_8),
                    e.payload().getBytes(StandardCharsets.UTF_8), headers));
        }
        zombie.send(offsets.record(last.key(), offsetAt(last.value(), walEnd), identity));
        zombie.flush();

        try (Relay relay = Relay.start(settings, new SimpleMeterRegistry(), () -> commitQuietly(zombie))) {
            await().atMost(WAIT).until(() -> relay.state() == Relay.State.STREAMING);
            List<ConsumedEvent> read = f.readEventsSettled(committed.size(), WAIT);
            History history = History.check(committed, read);
            assertThat(history.clean()).as(history.toString()).isTrue();
        } finally {
            zombie.close(Duration.ZERO);
        }
    }

    @Test
    void shouldMigrateAnOffsetCommittedInTheSharedTopicOfEarlierVersionsAndNotPublishAgain() throws Exception {
        RelayFixture f = new RelayFixture(SharedServers.postgres(), SharedServers.kafka(), "migrate");
        Map<String, String> env = f.env();
        RelaySettings settings = RelaySettings.fromEnv(Env.of(env));
        List<OutboxEvent> committed = new ArrayList<>();
        try (Relay relay = RelayIT.startStreaming(env); Connection c = f.connect()) {
            List<OutboxEvent> first = List.of(f.event("m", 1), f.event("n", 1));
            OutboxWrites.insert(c, first);
            committed.addAll(first);
            await().atMost(WAIT).until(() -> relay.eventsRelayed() >= 2);
        }
        // what an earlier version left: the offset in one shared topic, without the database's identity
        OffsetsTopic.Committed last = new OffsetsTopic(settings.slotOffsetsTopic(), settings.offsetsTopic(), settings.slotName())
                .readLast(settings.kafka().clientConfig()).orElseThrow();
        String shared = "relay.offsets.legacy." + f.name;
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(shared, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", f.kafka.bootstrapServers(),
                "key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class))) {
            p.send(new ProducerRecord<>(shared, 0, last.key(), last.value())).get();
        }
        env.put("RELAY_OFFSETS_TOPIC", shared);
        try (Relay ignored = RelayIT.startStreaming(env); Connection c = f.connect()) {
            OutboxEvent next = f.event("m", 2);
            OutboxWrites.insert(c, List.of(next));
            committed.add(next);
            List<ConsumedEvent> read = f.readEventsSettled(committed.size(), WAIT);
            History history = History.check(committed, read);
            assertThat(history.clean()).as(history.toString()).isTrue();
        }
        assertThat(headersOfFirstRecord(f, shared + "." + settings.slotName())).contains(DatabaseIdentity.SYSTEM_IDENTIFIER);
    }

    private static void commitQuietly(KafkaProducer<byte[], byte[]> zombie) {
        try {
            zombie.commitTransaction();
        } catch (KafkaException fenced) {
            // the relay's fence came first: the zombie's transaction is aborted, as it must be
        }
    }

    private static byte[] offsetAt(byte[] offset, long lsn) {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
        @SuppressWarnings("unchecked")
        Map<String, Object> value = new HashMap<>((Map<String, Object>) json.toConnectData("", offset).value());
        value.put("lsn", lsn);
        value.put("lsn_commit", lsn);
        value.put("lsn_proc", lsn);
        return json.fromConnectData("", null, value);
    }

    private static List<String> headersOfFirstRecord(RelayFixture f, String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, f.kafka.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<String> names = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    r.headers().forEach(h -> names.add(h.key()));
                }
                return !names.isEmpty();
            });
        }
        return names;
    }
}
