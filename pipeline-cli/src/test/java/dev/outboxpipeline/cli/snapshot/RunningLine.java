package dev.outboxpipeline.cli.snapshot;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.relay.Relay;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.writer.domain.ShopDatabase;
import dev.outboxpipeline.outbox.Outbox;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.service.ShopService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real line for snapshot tests: a source and a sink database on the shared PostgreSQL, a Kafka broker of
 * its own (the relay's topic names are fixed), the relay and the projector, and the shop's service to write
 * through the outbox. Started once per test class.
 */
final class RunningLine implements AutoCloseable {

    static final String APPLICATION_ID = "snapshot-it";

    private final Map<String, String> env = new LinkedHashMap<>();
    private final KafkaBroker kafka;
    private final ShopDatabase shop;
    private final ShopService service;
    private final Relay relay;
    private final CompletableFuture<Projector> projector;

    private RunningLine() throws Exception {
        PostgresServer postgres = SharedServers.postgres();
        kafka = KafkaBroker.start();
        env.put("SOURCE_DB_URL", postgres.createDatabase("snapshot_source"));
        env.put("SOURCE_DB_USER", postgres.user());
        env.put("SOURCE_DB_PASSWORD", postgres.password());
        env.put("SINK_DB_URL", postgres.createDatabase("snapshot_sink"));
        env.put("SINK_DB_USER", postgres.user());
        env.put("SINK_DB_PASSWORD", postgres.password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("RELAY_SLOT_NAME", "snapshot_it");
        env.put("RELAY_HEARTBEAT_INTERVAL", "1s");
        env.put("PROJECTOR_APPLICATION_ID", APPLICATION_ID);
        env.put("PROJECTOR_HTTP_PORT", "0");
        env.put("PROJECTOR_COMMIT_INTERVAL", "200ms");
        env.put("PROJECTOR_STATE_DIR", Files.createTempDirectory("snapshot-it-streams-").toString());
        Migrations.migrate(Database.SOURCE, source());
        Migrations.migrate(Database.SINK, sink());
        shop = ShopDatabase.open(source(), 4);
        service = ShopService.of(shop.sessionFactory(), Outbox.of(ServiceHttp.objectMapper(), OutboxOptions.removingRows()));
        relay = Relay.start(RelaySettings.fromEnv(Env.of(env)), ServiceHttp.newRegistry());
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> relay.state() == Relay.State.STREAMING);
        // the relay creates the event topics with their first events; the projector waits for them
        var ada = service.createCustomer("Ada", "ada@example.com");
        service.placeOrder(ada.id(), List.of(new dev.outboxpipeline.writer.domain.NewLine("sku-1", 1, java.math.BigDecimal.ONE)));
        ProjectorSettings projectorSettings = ProjectorSettings.fromEnv(Env.of(env));
        projector = CompletableFuture.supplyAsync(() -> Projector.start(projectorSettings, ServiceHttp.newRegistry()));
    }

    static RunningLine start() {
        try {
            return new RunningLine();
        } catch (Exception e) {
            throw new IllegalStateException("the line did not start", e);
        }
    }

    Map<String, String> env() {
        return Map.copyOf(env);
    }

    Map<String, String> env(String name, String value) {
        Map<String, String> e = new HashMap<>(env);
        e.put(name, value);
        return e;
    }

    JdbcSettings source() {
        return JdbcSettings.fromEnv(Env.of(env), JdbcSettings.SOURCE);
    }

    JdbcSettings sink() {
        return JdbcSettings.fromEnv(Env.of(env), JdbcSettings.SINK);
    }

    ShopService shop() {
        return service;
    }

    String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    void sql(String statement) {
        try (Connection c = dev.outboxpipeline.db.Connections.open(source()); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every record of an event topic from {@code from} (offsets per partition; the beginning when absent), read_committed. */
    List<ConsumerRecord<String, byte[]>> records(String topic, Map<TopicPartition, Long> from) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    /**
     * Waits until the projector has taken in every event committed so far and the sink has applied every read-model
     * change that came of them: after this, the sink no longer changes until new events come.
     */
    void awaitQuiet() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                for (String topic : List.of("outbox.event.customer", "outbox.event.order")) {
                    for (var e : endOffsets(topic).entrySet()) {
                        OffsetAndMetadata c = committed.get(e.getKey());
                        assertThat(c == null ? 0 : c.offset()).as("projector's position on %s", e.getKey()).isEqualTo(e.getValue());
                    }
                }
                for (String topic : List.of("readmodel.customer", "readmodel.purchase_order", "readmodel.order_view")) {
                    for (var e : lastRecordOffsets(admin, topic).entrySet()) {
                        assertThat(appliedOffset(e.getKey())).as("sink's applied offset on %s", e.getKey())
                                .isGreaterThanOrEqualTo(e.getValue());
                    }
                }
            }
        });
    }

    private Map<TopicPartition, Long> lastRecordOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, Long> last = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            // the last record sits just before one or a few transaction markers
            partitions.forEach(tp -> consumer.seek(tp, Math.max(0, end.get(tp) - 50)));
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(500)).forEach(r ->
                        last.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::max));
            }
        }
        return last;
    }

    private long appliedOffset(TopicPartition tp) throws SQLException {
        try (Connection c = dev.outboxpipeline.db.Connections.open(sink());
             var ps = c.prepareStatement("SELECT applied_offset FROM projector_offsets WHERE topic = ? AND partition = ?")) {
            ps.setString(1, tp.topic());
            ps.setInt(2, tp.partition());
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(KafkaSettings.of(kafka.bootstrapServers()).clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        projector.thenAccept(Projector::close);
        relay.close();
        shop.close();
        kafka.close();
    }
}
