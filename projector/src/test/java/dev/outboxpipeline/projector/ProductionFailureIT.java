package dev.outboxpipeline.projector;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.topology.HeaderValues;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProductionFailureIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final KafkaBroker kafka = SharedServers.kafka();

    // Regression: a read-model record that can never be produced failed its stream thread, which was
    // replaced and failed again on the same record, forever.
    @Test
    void aReadModelRecordTooLargeForItsTopicIsDeadLetteredAndTheRestFlows() throws Exception {
        TestPipeline p = TestPipeline.create("toolarge", SharedServers.postgres(), kafka);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(p.topics().customerRows(), Optional.of(TestPipeline.PARTITIONS),
                    Optional.empty()).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "10000")))).all().get(30, TimeUnit.SECONDS);
        }
        String huge = Events.newId();
        String fine = Events.newId();
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers());
             Projector projector = Projector.start(p.settings(), ServiceHttp.newRegistry())) {
            producer.send(new ArrayList<>(List.of(
                    new ProducerRecord<>(p.topics().customerEvents(), null, null, huge,
                            Events.customer(huge, "x".repeat(20_000), "huge@example.com", 1),
                            Events.headers("CustomerCreated", 1, System.currentTimeMillis())),
                    new ProducerRecord<>(p.topics().customerEvents(), null, null, fine,
                            Events.customer(fine, "Ada", "ada@example.com", 1),
                            Events.headers("CustomerCreated", 1, System.currentTimeMillis())))));

            await().atMost(PATIENCE).until(() -> p.rows().query("SELECT id::text FROM customer").contains(fine));
            ConsumerRecord<String, byte[]> dead = readOne(p.topics().deadLetters());
            assertThat(dead.key()).isEqualTo(huge);
            assertThat(HeaderValues.text(dead.headers(), EventHeaders.DLQ_REASON)).hasValueSatisfying(r ->
                    assertThat(r).contains("cannot produce to " + p.topics().customerRows()).contains("RecordTooLarge"));
            // a rebalance may still be settling on a busy machine; a thread lost in a loop never gets back to RUNNING
            await().atMost(PATIENCE).until(() -> projector.streams().state() == KafkaStreams.State.RUNNING);
            assertThat(p.rows().query("SELECT id::text FROM customer")).doesNotContain(huge);
        }
    }

    private ConsumerRecord<String, byte[]> readOne(String topic) {
        return FirstRecord.of(kafka.bootstrapServers(), topic, PATIENCE);
    }
}
