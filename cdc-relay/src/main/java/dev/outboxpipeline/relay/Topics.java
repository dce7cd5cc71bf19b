package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Creates the relay's topics on first use, event and offsets topics compacted, and refuses an existing
 * event topic that is not: compaction is what lets a new store be rebuilt from the topics.
 */
final class Topics implements AutoCloseable {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final RelaySettings settings;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    Topics(Admin admin, RelaySettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    static boolean isLegalName(String topic) {
        return topic != null && LEGAL.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }

    /** At start: the offsets and dead-letter topics exist, and every existing event topic is compacted. */
    void prepare() {
        ensure(settings.offsetsTopic(), 1, true);
        ensure(RelaySettings.DLQ_TOPIC, 1, false);
        try {
            for (String topic : admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                if (topic.startsWith(RelaySettings.EVENT_TOPIC_PREFIX)) {
                    ensureEventTopic(topic);
                }
            }
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw brokerFailure(e);
        }
    }

    /** Creates an event topic on first use; fails with the fix when it exists without compaction. */
    void ensureEventTopic(String topic) {
        ensure(topic, settings.topicPartitions(), true);
    }

    private void ensure(String topic, int partitions, boolean compacted) {
        if (ready.contains(topic)) {
            return;
        }
        try {
            boolean existed = false;
            try {
                NewTopic t = new NewTopic(topic, partitions, settings.replicationFactor()).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(settings.minInsyncReplicas())));
                admin.createTopics(List.of(t)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                existed = true;
            }
            if (compacted && existed) {
                checkCompacted(topic);
            }
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw brokerFailure(e);
        }
        ready.add(topic);
    }

    private void checkCompacted(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = null;
        for (int attempt = 1; config == null; attempt++) {
            try {
                config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
            } catch (ExecutionException e) {
                // a topic another client has just created may not have reached this broker's metadata yet
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 50) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new NotCompactedException("topic " + topic + " exists with cleanup.policy=" + (policy == null ? "?" : policy.value())
                    + ", but the relay needs it compacted: run kafka-configs.sh --bootstrap-server "
                    + settings.kafka().bootstrapServers() + " --alter --entity-type topics --entity-name " + topic
                    + " --add-config cleanup.policy=compact (or delete the topic and let the relay create it)");
        }
    }

    /** An event topic exists but is not compacted: a startup error, or a dead letter for a topic seen later. */
    static final class NotCompactedException extends ConfigException {
        NotCompactedException(String message) {
            super(message);
        }
    }

    private ConfigException brokerFailure(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new ConfigException("cannot prepare topics on the Kafka cluster at " + settings.kafka().bootstrapServers()
                + " (" + cause + "): start the broker, or fix KAFKA_BOOTSTRAP_SERVERS", e);
    }

    @Override
    public void close() {
        admin.close();
    }
}
