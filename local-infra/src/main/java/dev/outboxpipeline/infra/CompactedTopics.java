package dev.outboxpipeline.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Creates compacted topics, as the relay and the projector expect theirs, for benchmarks and tests. */
public final class CompactedTopics {

    private CompactedTopics() {
    }

    public static void create(Map<String, Object> adminConfig, Collection<String> topics, int partitions) {
        create(adminConfig, topics, partitions, List.of());
    }

    /** The compacted topics, and {@code plain} ones (e.g. dead letters) with the broker's default clean-up. */
    public static void create(Map<String, Object> adminConfig, Collection<String> topics, int partitions,
                              Collection<String> plain) {
        List<NewTopic> created = new ArrayList<>();
        topics.forEach(t -> created.add(new NewTopic(t, Optional.of(partitions), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
        plain.forEach(t -> created.add(new NewTopic(t, Optional.of(partitions), Optional.empty())));
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createTopics(created).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics " + topics + " " + plain + ": " + e, e);
        }
    }

    /** For a broker without client settings beyond its address. */
    public static Map<String, Object> adminConfig(String bootstrapServers) {
        return Map.of("bootstrap.servers", bootstrapServers);
    }
}
