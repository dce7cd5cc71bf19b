package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The projector's topics: it waits for the event topics (the relay creates them, with its partition
 * count) and creates its own output topics when missing: {@code readmodel.*} compacted,
 * {@code projector.dlq} kept by time like any log.
 */
final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final Duration SAY_AGAIN = Duration.ofSeconds(10);

    private TopicSetup() {
    }

    static void prepare(Admin admin, Topics topics, int partitions) throws InterruptedException {
        awaitEventTopics(admin, topics);
        List<NewTopic> missing = new ArrayList<>();
        Set<String> existing = names(admin);
        for (String topic : topics.readModel()) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, Optional.of(partitions), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
        }
        if (!existing.contains(topics.deadLetters())) {
            missing.add(new NewTopic(topics.deadLetters(), Optional.of(partitions), Optional.empty()));
        }
        for (NewTopic topic : missing) {
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                LOG.info("created topic {}", topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + topic.name() + ": " + e.getCause(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not create topic " + topic.name() + " within 30 s", e);
            }
        }
    }

    private static void awaitEventTopics(Admin admin, Topics topics) throws InterruptedException {
        Instant sayAt = Instant.now();
        while (true) {
            List<String> absent = topics.events().stream().filter(t -> !names(admin).contains(t)).toList();
            if (absent.isEmpty()) {
                return;
            }
            if (!Instant.now().isBefore(sayAt)) {
                LOG.info("waiting for the event topics {} (the relay creates them)", absent);
                sayAt = Instant.now().plus(SAY_AGAIN);
            }
            Thread.sleep(500);
        }
    }

    private static Set<String> names(Admin admin) {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConfigException("cannot reach Kafka to list its topics (" + e.getMessage()
                    + "): start it, or fix " + KafkaSettings.BOOTSTRAP_VARIABLE, e);
        }
    }
}
