package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.infra.CompactedTopics;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.EventProducer;
import dev.outboxpipeline.projector.SinkRows;
import dev.outboxpipeline.projector.model.CustomerRow;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.model.LineItem;
import dev.outboxpipeline.projector.model.Order;
import dev.outboxpipeline.projector.model.OrderView;
import dev.outboxpipeline.projector.topology.HeaderValues;
import dev.outboxpipeline.projector.topology.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sink writer alone, fed read-model changes written straight to its topics. */
class SinkWriterIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final KafkaBroker kafka = SharedServers.kafka();
    private final PostgresServer postgres = SharedServers.postgres();
    private final String name = "sinkwriter_" + COUNT.incrementAndGet() + "_" + ProcessHandle.current().pid();
    private final Topics topics = Topics.withPrefix(name + ".");
    private final JdbcSettings sink = TestDatabase.migratedAs(Database.SINK, postgres, name).settings();
    private final SinkRows rows = new SinkRows(sink);

    SinkWriterIT() throws Exception {
        CompactedTopics.create(CompactedTopics.adminConfig(kafka.bootstrapServers()), topics.readModel(), 1,
                List.of(topics.deadLetters()));
    }

    // Regression: the usual JDBC sink splits a batch into upserts and deletes, so an update then a
    // delete of one key in one batch could leave the row in place.
    @Test
    void anUpdateThenADeleteOfOneKeyInOneBatchEndsDeleted() {
        String id = UUID.randomUUID().toString();
        send(customer(id, "Ada", 1), customer(id, "Ada Lovelace", 2), tombstone(id, 3));
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();

        try (SinkWriter writer = SinkWriter.start(config(), registry)) {
            await().atMost(PATIENCE).until(() -> appliedOffset() == 2);
        }

        assertThat(registry.timer("projector.batch.apply").count()).as("all three changes in one batch").isEqualTo(1);
        assertThat(rows.customers()).isEmpty();
        assertThat(rows.query("SELECT table_name || ':' || version FROM deleted_row WHERE id = '" + id + "'"))
                .containsExactly("customer:3");
    }

    @Test
    void anOlderChangeNeverOverwritesANewerRowNorResurrectsADeletedOne() {
        String kept = UUID.randomUUID().toString();
        String deleted = UUID.randomUUID().toString();
        send(customer(kept, "new", 3), tombstone(deleted, 5));
        try (SinkWriter writer = SinkWriter.start(config(), ServiceHttp.newRegistry())) {
            await().atMost(PATIENCE).until(() -> appliedOffset() == 1);

            // a replay of older events, in later batches
            send(customer(kept, "old", 2), customer(deleted, "old", 4));
            await().atMost(PATIENCE).until(() -> appliedOffset() == 4); // offset 2 is the commit marker
        }

        assertThat(rows.customers()).containsExactly(kept + "|new|new@example.com|3");
    }

    @Test
    void aRestartedWriterResumesFromTheOffsetsInTheSinkNotFromKafka() throws Exception {
        String id = UUID.randomUUID().toString();
        send(customer(id, "Ada", 1));
        try (SinkWriter writer = SinkWriter.start(config(), ServiceHttp.newRegistry())) {
            await().atMost(PATIENCE).until(() -> appliedOffset() == 0);
        }
        rows.execute("UPDATE customer SET name = 'changed behind the writer''s back'");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteConsumerGroups(List.of(name + "-sink")).all().get(30, TimeUnit.SECONDS);
        }

        send(customer(id, "Ada Lovelace", 2));
        try (SinkWriter writer = SinkWriter.start(config(), ServiceHttp.newRegistry())) {
            await().atMost(PATIENCE).until(() -> appliedOffset() == 2); // offset 1 is the commit marker
        }

        // offset 0 was not applied again (it would have restored "Ada" before version 2)
        assertThat(rows.query("SELECT name || '|' || version FROM customer")).containsExactly("Ada Lovelace|2");
    }


    // Regression: an order total of 1e20 (beyond numeric(19,2)) made the writer retry its batch forever,
    // and nothing written after it ever reached the sink.
    @Test
    void aChangeTheSinkRejectsIsDeadLetteredWithTheReasonAndTheRestOfTheBatchIsApplied() {
        String good = UUID.randomUUID().toString();
        String overflow = UUID.randomUUID().toString();
        String after = UUID.randomUUID().toString();
        send(order(good, "10.00", 1), order(overflow, "1e20", 1), order(after, "20.00", 1), notARow());
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();

        try (SinkWriter writer = SinkWriter.start(config(), registry)) {
            await().atMost(PATIENCE).until(() -> appliedOffset(topics.purchaseOrderRows()) == 3);
            assertThat(writer.failure()).isEmpty();
        }

        assertThat(rows.query("SELECT id::text FROM purchase_order")).containsExactlyInAnyOrder(good, after);
        List<ConsumerRecord<String, byte[]>> dead = readAll(topics.deadLetters(), 2);
        assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(overflow, "not-a-uuid");
        assertThat(dead).anySatisfy(r -> assertThat(HeaderValues.text(r.headers(), EventHeaders.DLQ_REASON))
                .hasValueSatisfying(reason -> assertThat(reason).contains("numeric field overflow")));
        assertThat(dead).allSatisfy(r -> assertThat(HeaderValues.text(r.headers(), EventHeaders.DLQ_TOPIC))
                .hasValue(topics.purchaseOrderRows()));
        assertThat(registry.counter(SinkMetrics.DEAD_LETTERS).count()).isEqualTo(2);
    }

    // Regression: the guard compared only the order's version, so a replay of the same order version
    // joined with an older customer brought back the customer's old name.
    @Test
    void anOrderViewNeverGoesBackToAnOlderCustomerAtTheSameOrderVersion() {
        String order = UUID.randomUUID().toString();
        String customer = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        send(view(order, customer, 1, "New name", 5));
        try (SinkWriter writer = SinkWriter.start(config(), ServiceHttp.newRegistry())) {
            await().atMost(PATIENCE).until(() -> appliedOffset(topics.orderViewRows()) == 0);
            send(view(order, customer, 1, "Old name", 4)); // a replay: same order version, older customer
            await().atMost(PATIENCE).until(() -> appliedOffset(topics.orderViewRows()) == 2);
            assertThat(rows.query("SELECT customer_name FROM order_view")).containsExactly("New name");

            send(view(order, other, 2, "Other customer", 1)); // moved to another customer: the order's version decides
            await().atMost(PATIENCE).until(() -> appliedOffset(topics.orderViewRows()) == 4);
        }
        assertThat(rows.query("SELECT customer_name FROM order_view")).containsExactly("Other customer");
    }

    // Regression: while the sink was down the writer retried without polling, so Kafka dropped it from its
    // group after max.poll.interval.ms and rebalanced on every retry.
    @Test
    void whileTheSinkIsDownTheWriterStaysInItsGroupAndCatchesUpWhenItIsBack() throws Exception {
        String before = UUID.randomUUID().toString();
        String during = UUID.randomUUID().toString();
        send(customer(before, "Ada", 1));
        Map<String, Object> kafkaConfig = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "max.poll.interval.ms", 3_000);
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        SinkRows server = new SinkRows(JdbcSettings.of(JdbcSettings.SINK, postgres.jdbcUrl(), postgres.user(),
                postgres.password()));
        try (SinkWriter writer = SinkWriter.start(new SinkWriter.Config(name, sink, kafkaConfig, topics, 5_000), registry);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            await().atMost(PATIENCE).until(() -> appliedOffset() == 0);

            await().atMost(PATIENCE).ignoreExceptions().until(() -> { // the sink database goes away
                server.query("SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE datname = '" + name + "'");
                server.execute("ALTER DATABASE " + name + " RENAME TO " + name + "_away");
                return true;
            });
            send(customer(during, "Grace", 1));
            await().atMost(PATIENCE).until(() -> registry.counter(SinkMetrics.FAILURES).count() > 0);
            await().during(Duration.ofSeconds(10)).atMost(PATIENCE).until(() -> members(admin) == 1);

            server.execute("ALTER DATABASE " + name + "_away RENAME TO " + name);
            await().atMost(PATIENCE).until(() -> appliedOffset() == 2);
            assertThat(writer.failure()).isEmpty();
        }
        assertThat(rows.customers()).hasSize(2);
    }

    private int members(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of(name + "-sink")).all().get(30, TimeUnit.SECONDS)
                .get(name + "-sink").members().size();
    }

    private SinkWriter.Config config() {
        return new SinkWriter.Config(name, sink, Map.of("bootstrap.servers", kafka.bootstrapServers()), topics, 5_000);
    }

    private long appliedOffset() {
        return appliedOffset(topics.customerRows());
    }

    private long appliedOffset(String topic) {
        List<String> offsets = rows.query("SELECT applied_offset::text FROM projector_offsets WHERE topic = '"
                + topic + "'");
        return offsets.isEmpty() ? -1 : Long.parseLong(offsets.get(0));
    }

    @SafeVarargs
    private void send(ProducerRecord<String, byte[]>... records) {
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
            producer.send(new ArrayList<>(List.of(records)));
        }
    }

    private ProducerRecord<String, byte[]> customer(String id, String name, long version) {
        CustomerRow c = CustomerRow.of(id, name, name + "@example.com", version, System.currentTimeMillis());
        return new ProducerRecord<>(topics.customerRows(), null, null, id, Json.write(c), headers(version));
    }

    private ProducerRecord<String, byte[]> tombstone(String id, long version) {
        return new ProducerRecord<>(topics.customerRows(), null, null, id, null, headers(version));
    }

    private ProducerRecord<String, byte[]> order(String id, String total, long version) {
        Order o = Order.of(id, UUID.randomUUID().toString(), "PLACED", new BigDecimal(total),
                List.of(new LineItem(1, "sku-1", 1, new BigDecimal(total))), version, System.currentTimeMillis());
        return new ProducerRecord<>(topics.purchaseOrderRows(), null, null, id, Json.write(o), headers(version));
    }

    private ProducerRecord<String, byte[]> notARow() {
        return new ProducerRecord<>(topics.purchaseOrderRows(), null, null, "not-a-uuid",
                "{".getBytes(java.nio.charset.StandardCharsets.UTF_8), headers(1));
    }

    private ProducerRecord<String, byte[]> view(String id, String customerId, long version, String customerName,
                                                long customerVersion) {
        OrderView v = new OrderView(id, customerId, "PLACED", new BigDecimal("1.00"), List.of(), version, customerName,
                "c@example.com", customerVersion, System.currentTimeMillis(), false);
        return new ProducerRecord<>(topics.orderViewRows(), null, null, id, Json.write(v), headers(version));
    }

    private List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= expected;
            });
        }
        return read;
    }

    private static RecordHeaders headers(long version) {
        RecordHeaders h = new RecordHeaders();
        h.add(EventHeaders.VERSION, EventRecord.utf8(version));
        h.add(EventHeaders.SOURCE_TS_MS, EventRecord.utf8(System.currentTimeMillis()));
        return h;
    }
}
