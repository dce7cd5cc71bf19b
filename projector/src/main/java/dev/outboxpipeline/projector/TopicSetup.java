package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.EventTopicSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The projector's topics. The event topics are created, compacted and with the {@code EVENT_TOPIC_*}
 * settings the relay reads too, by whichever of the two starts first; existing ones must be compacted.
 * The projector's own output topics are created when missing: {@code readmodel.*} compacted with their
 * tombstone retention, {@code projector.dlq} kept by time like any log.
 */
final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long KAFKA_TIMEOUT_S = 10;

    private TopicSetup() {
    }

    static void prepare(Admin admin, Topics topics, EventTopicSettings events, ReadModelTopicSettings readModel) {
        Set<String> existing = names(admin);
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : topics.events()) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, Optional.of(events.partitions()), events.replicationFactor())
                        .configs(events.topicConfigs()));
            }
        }
        Map<String, String> readModelConfigs = new HashMap<>(events.topicConfigs());
        readModelConfigs.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, String.valueOf(readModel.deleteRetention().toMillis()));
        readModelConfigs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, String.valueOf(readModel.minCompactionLag().toMillis()));
        for (String topic : topics.readModel()) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, Optional.of(events.partitions()), events.replicationFactor())
                        .configs(readModelConfigs));
            }
        }
        if (!existing.contains(topics.deadLetters())) {
            missing.add(new NewTopic(topics.deadLetters(), Optional.of(events.partitions()), events.replicationFactor()));
        }
        for (NewTopic topic : missing) {
            create(admin, topic);
        }
        requireCompacted(admin, topics);
    }

    private static void create(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(KAFKA_TIMEOUT_S, TimeUnit.SECONDS);
            LOG.info("created topic {} ({} partitions, {})", topic.name(), topic.numPartitions(), topic.configs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) { // the relay was quicker: fine
                throw new KafkaUnreachableException("could not create topic " + topic.name() + ": " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new KafkaUnreachableException("Kafka did not create topic " + topic.name() + " within "
                    + KAFKA_TIMEOUT_S + " s", e);
        }
    }

    /** A topic that is not compacted loses aggregates' states: the read model could never be rebuilt from it. */
    private static void requireCompacted(Admin admin, Topics topics) {
        List<String> compacted = new ArrayList<>(topics.events());
        compacted.addAll(topics.readModel());
        List<ConfigResource> resources = compacted.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources).all().get(KAFKA_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading topic configs", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnreachableException("could not read the topics' configs: " + e, e);
        }
        for (ConfigResource r : resources) {
            String policy = configs.get(r).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new ConfigException("topic " + r.name() + " has cleanup.policy=" + policy + ", not compact: its"
                        + " records would be deleted by age and the read model could not be rebuilt from it. Nothing"
                        + " was consumed. Fix it with: kafka-configs.sh --bootstrap-server <servers> --alter --entity-type"
                        + " topics --entity-name " + r.name() + " --add-config cleanup.policy=compact");
            }
        }
    }

    private static Set<String> names(Admin admin) {
        try {
            return admin.listTopics().names().get(KAFKA_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnreachableException("Kafka does not answer (" + e + "): waiting; check "
                    + KafkaSettings.BOOTSTRAP_VARIABLE + " if it does not come", e);
        }
    }
}
