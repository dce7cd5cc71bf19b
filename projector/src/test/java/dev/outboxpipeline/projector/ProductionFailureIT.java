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
    // replaced and failed again on the same record, forever. Now it is dead-lettered where the producer's
    // handler sees it, or, when the broker rejects it inside the transaction (which aborts it), Streams stops
    // after three attempts with the reason in /health. Either way it ends, and says why.
    @Test
    void aReadModelRecordTooLargeForItsTopicNeverLoopsForever() throws Exception {
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

            // a failed stream thread is the expected path here, not an error of the test
            await().atMost(PATIENCE.multipliedBy(3)).dontCatchUncaughtExceptions().until(() ->
                    deadLettered(p) && p.rows().query("SELECT id::text FROM customer").contains(fine)
                            && projector.streams().state() == KafkaStreams.State.RUNNING
                    || stoppedWithTheReason(projector));
            assertThat(p.rows().query("SELECT id::text FROM customer")).doesNotContain(huge);
        }
    }

    private boolean deadLettered(TestPipeline p) {
        try {
            ConsumerRecord<String, byte[]> dead = FirstRecord.of(kafka.bootstrapServers(), p.topics().deadLetters(),
                    Duration.ofSeconds(2));
            // the row's record, or the same row's changelog record of its store: both are too large
            return HeaderValues.text(dead.headers(), EventHeaders.DLQ_REASON)
                    .filter(r -> r.contains("cannot produce to") && r.contains("RecordTooLarge")).isPresent();
        } catch (org.awaitility.core.ConditionTimeoutException none) {
            return false;
        }
    }

    private static boolean stoppedWithTheReason(Projector projector) {
        var health = projector.health();
        return !health.up() && String.valueOf(health.details().get("reason")).contains("RecordTooLarge")
                && String.valueOf(health.details().get("reason")).contains("3 times");
    }
}
