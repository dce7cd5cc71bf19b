package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.EventTopicSettings;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventTimeLagIT {

    private final KafkaBroker kafka = SharedServers.kafka();

    // A projector down longer than the tombstone retention would keep deleted rows forever: say so early.
    @Test
    void theAgeOfTheOldestUnprocessedEventIsMeasuredAndWarnedAboutNearTheTombstoneRetention() {
        TestPipeline p = TestPipeline.create("timelag", SharedServers.postgres(), kafka);
        String id = Events.newId();
        long anHourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
            producer.send(List.of(new ProducerRecord<>(p.topics().customerEvents(), null, anHourAgo, id,
                    Events.customer(id, "Ada", "ada@example.com", 1), Events.headers("CustomerCreated", 1, anHourAgo))));
        }
        ProjectorSettings settings = p.settings().withEventTopics(new EventTopicSettings(TestPipeline.PARTITIONS,
                Optional.empty(), OptionalInt.empty(), Duration.ofHours(1), Duration.ZERO));
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();

        try (EventTimeLag lag = new EventTimeLag(settings, registry)) { // nothing processed: no committed offsets
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(lag.age()).isGreaterThanOrEqualTo(Duration.ofMinutes(59)));
            assertThat(registry.get(EventTimeLag.METER).gauge().value()).isGreaterThan(3_500);
            assertThat(lag.warning()).hasValueSatisfying(w -> assertThat(w).contains("tombstone retention"));
        }
    }
}
