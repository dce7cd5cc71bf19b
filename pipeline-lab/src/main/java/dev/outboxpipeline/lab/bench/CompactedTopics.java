package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.KafkaSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Creates compacted topics, as the relay and the projector expect theirs. */
final class CompactedTopics {

    private CompactedTopics() {
    }

    static void create(KafkaSettings kafka, Collection<String> topics, int partitions) {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))).toList())
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics " + topics + ": " + e, e);
        }
    }
}
