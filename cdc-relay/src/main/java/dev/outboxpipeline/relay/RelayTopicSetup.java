package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.contract.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the relay's topics on first use (event and offsets topics compacted) and refuses an existing
 * event topic that is not: compaction is what lets a new store be rebuilt from the topics. What it learns
 * about a topic (that it is fit, its {@code max.message.bytes}) is cached: no admin call per event.
 */
final class RelayTopicSetup implements AutoCloseable {

    /** What the relay needs to know of a topic that passed its checks. */
    record TopicInfo(int maxMessageBytes) {
    }

    private static final long TIMEOUT_SECONDS = 30;
    /** The offsets topic is read whole at every start: small segments let compaction keep it short. */
    static final Map<String, String> OFFSETS_TOPIC_CONFIGS = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Duration.ofMinutes(10).toMillis()),
            TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(1024 * 1024),
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1");

    private final Admin admin;
    private final RelaySettings settings;
    private final Map<String, TopicInfo> ready = new ConcurrentHashMap<>();

    RelayTopicSetup(Admin admin, RelaySettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /**
     * At start: the offsets and dead-letter topics exist, and every existing event topic is compacted.
     *
     * @throws Unreachable when the broker does not answer (the relay waits and retries)
     */
    void prepare() {
        ensure(settings.slotOffsetsTopic(), 1, OFFSETS_TOPIC_CONFIGS, true);
        ensure(TopicNames.RELAY_DEAD_LETTERS, 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE), false);
        try {
            for (String topic : admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                if (topic.startsWith(TopicNames.EVENT_PREFIX)) {
                    ensureEventTopic(topic);
                }
            }
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw brokerFailure(e);
        }
    }

    /** Creates an event topic on first use; fails with the fix when it exists without compaction. Cached once fit. */
    TopicInfo ensureEventTopic(String topic) {
        TopicInfo known = ready.get(topic); // the per-event path: a map look-up, no admin call
        return known != null ? known : ensure(topic, settings.eventTopics().partitions(), settings.eventTopics().topicConfigs(), true);
    }

    TopicInfo deadLetterTopic() {
        return ensure(TopicNames.RELAY_DEAD_LETTERS, 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE), false);
    }

    /** Whether the topic whose check failed has been fixed since; one admin round trip, for the refusal's re-check. */
    Optional<String> recheck(String topic) {
        try {
            ensureEventTopic(topic);
            return Optional.empty();
        } catch (ConfigException | Unreachable e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The broker's {@code transaction.max.timeout.ms}, when this client may read it. */
    Optional<Duration> brokerTransactionMaxTimeout() {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (nodes.isEmpty()) {
                return Optional.empty();
            }
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            ConfigEntry entry = admin.describeConfigs(List.of(broker)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(broker).get("transaction.max.timeout.ms");
            return entry == null || entry.value() == null ? Optional.empty()
                    : Optional.of(Duration.ofMillis(Long.parseLong(entry.value())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty(); // e.g. no DESCRIBE_CONFIGS on the cluster: the documented fallback applies
        }
    }

    private TopicInfo ensure(String topic, int partitions, Map<String, String> configs, boolean compacted) {
        TopicInfo known = ready.get(topic);
        if (known != null) {
            return known;
        }
        try {
            try {
                NewTopic t = new NewTopic(topic, Optional.of(partitions), settings.eventTopics().replicationFactor())
                        .configs(configs);
                admin.createTopics(List.of(t)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            Config config = describe(topic);
            if (compacted) {
                checkCompacted(topic, config);
            }
            ConfigEntry max = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            TopicInfo info = new TopicInfo(max == null ? 1_048_588 : Integer.parseInt(max.value()));
            ready.put(topic, info);
            return info;
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw brokerFailure(e);
        }
    }

    private Config describe(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
            } catch (ExecutionException e) {
                // a topic just created may not have reached this broker's metadata yet
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 50) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private void checkCompacted(String topic, Config config) {
        ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new NotCompactedException("topic " + topic + " exists with cleanup.policy=" + (policy == null ? "?" : policy.value())
                    + ", but the relay needs it compacted: run kafka-configs.sh --bootstrap-server "
                    + settings.kafka().bootstrapServers() + " --alter --entity-type topics --entity-name " + topic
                    + " --add-config cleanup.policy=compact (or delete the topic and let the relay create it)");
        }
    }

    /** An event topic exists but is not compacted: a startup error, or a stop for a topic seen later. */
    static final class NotCompactedException extends ConfigException {
        NotCompactedException(String message) {
            super(message);
        }
    }

    private RuntimeException brokerFailure(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String message = "cannot prepare topics on the Kafka cluster at " + settings.kafka().bootstrapServers()
                + " (" + cause + "): start the broker, or fix KAFKA_BOOTSTRAP_SERVERS";
        if (cause instanceof TimeoutException || cause instanceof RetriableException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException || e instanceof InterruptedException) {
            return new Unreachable(message, e);
        }
        return new ConfigException(message, e);
    }

    @Override
    public void close() {
        admin.close();
    }
}
