package dev.outboxpipeline.projector.bootstrap;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.infra.CompactedTopics;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.DeadLetterCount;
import dev.outboxpipeline.projector.EventProducer;
import dev.outboxpipeline.projector.SinkRows;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.model.LineItem;
import dev.outboxpipeline.projector.model.Order;
import dev.outboxpipeline.projector.sink.SinkIdentity;
import dev.outboxpipeline.projector.sink.SinkWriter;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BootstrapIT {

    private static final AtomicInteger COUNT = new AtomicInteger();

    private final KafkaBroker kafka = SharedServers.kafka();
    private final PostgresServer postgres = SharedServers.postgres();
    private final String name = "bootstrap_" + COUNT.incrementAndGet() + "_" + ProcessHandle.current().pid();
    private final Topics topics = Topics.withPrefix(name + ".");

    BootstrapIT() throws Exception {
        CompactedTopics.create(CompactedTopics.adminConfig(kafka.bootstrapServers()), topics.readModel(), 1,
                List.of(topics.deadLetters()));
    }

    // Regression: a bootstrap of topics holding an order total of 1e20 exited with "numeric field overflow".
    @Test
    void aChangeTheNewStoreRejectsIsDeadLetteredAndTheRestIsLoaded() {
        String good = UUID.randomUUID().toString();
        String overflow = UUID.randomUUID().toString();
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
            producer.send(new ArrayList<>(List.of(order(good, "10.00"), order(overflow, "1e20"))));
        }
        JdbcSettings sink = newSink("a");
        List<String> warnings = new ArrayList<>();

        Bootstrap.run(new Bootstrap.Settings("rebuild-" + name, sink, KafkaSettings.of(kafka.bootstrapServers()), topics),
                new Bootstrap.Progress() {
                    public void topicStarted(String topic, long offsetsToRead) { }

                    public void advanced(String topic, long recordsRead, long offsetsRead) { }

                    public void topicDone(Bootstrap.TopicLoad load) { }

                    public void warning(String message) {
                        warnings.add(message);
                    }
                });

        assertThat(new SinkRows(sink).query("SELECT id::text FROM purchase_order")).containsExactly(good);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("1 read-model records were rejected"));
        assertThat(DeadLetterCount.of(KafkaSettings.of(kafka.bootstrapServers()), topics, Duration.ofSeconds(30)))
                .hasValue(1);
    }

    // Regression: follows into same-named databases of two servers shared one group, each applying half.
    @Test
    void theDefaultIdIsTheStoresOwnAndAGroupWritingAnotherStoreIsRefused() {
        JdbcSettings first = newSink("first");
        JdbcSettings second = newSink("second");
        SinkIdentity one = SinkIdentity.read(first);
        SinkIdentity two = SinkIdentity.read(second);
        assertThat(one.defaultApplicationId()).isNotEqualTo(two.defaultApplicationId())
                .startsWith("bootstrap-" + name + "_first-").endsWith(one.storeId().toString());

        String shared = "shared-" + name;
        KafkaSettings k = KafkaSettings.of(kafka.bootstrapServers());
        try (SinkWriter writer = SinkWriter.start(new SinkWriter.Config(shared, first, k.clientConfig(), topics, 100),
                ServiceHttp.newRegistry())) {
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThatThrownBy(() ->
                    Bootstrap.requireGroupNotUsedByAnotherStore(new Bootstrap.Settings(shared, second, k, topics), two))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("already has active members writing another store"));
            Bootstrap.requireGroupNotUsedByAnotherStore(new Bootstrap.Settings(shared, first, k, topics), one);
        }
    }

    private JdbcSettings newSink(String suffix) {
        return TestDatabase.migratedAs(Database.SINK, postgres, name + "_" + suffix).settings();
    }

    private ProducerRecord<String, byte[]> order(String id, String total) {
        Order o = Order.of(id, UUID.randomUUID().toString(), "PLACED", new BigDecimal(total),
                List.of(new LineItem(1, "sku-1", 1, new BigDecimal(total))), 1, System.currentTimeMillis());
        RecordHeaders h = new RecordHeaders();
        h.add(EventHeaders.VERSION, EventRecord.utf8(1));
        h.add(EventHeaders.SOURCE_TS_MS, EventRecord.utf8(System.currentTimeMillis()));
        return new ProducerRecord<>(topics.purchaseOrderRows(), null, null, id, Json.write(o), h);
    }
}
