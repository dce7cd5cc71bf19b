package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.EventTopicSettings;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.contract.TopicNames;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything the relay reads from the environment, validated once at start. The slot name also names
 * the Kafka transactional id and the slot's offsets topic, so two relays on one slot fence each other.
 */
public record RelaySettings(
        JdbcSettings source,
        KafkaSettings kafka,
        String slotName,
        String publication,
        String offsetsTopic,
        EventTopicSettings eventTopics,
        Duration heartbeatInterval,
        int maxBatchSize,
        int maxQueueSize,
        long maxQueueBytes,
        Optional<Duration> transactionTimeout,
        Duration pollInterval,
        Duration standbyRetry,
        boolean decodeMessages,
        Optional<String> cloudEventsSource,
        String httpHost,
        int httpPort) {

    public static final String DEFAULT_SLOT = "outbox_relay";
    public static final String DEFAULT_PUBLICATION = "outbox_publication";
    public static final String DEFAULT_OFFSETS_TOPIC = TopicNames.RELAY_OFFSETS;
    public static final String DECODE_MESSAGES = "RELAY_DECODE_MESSAGES";
    public static final String CLOUDEVENTS = "RELAY_CLOUDEVENTS";
    public static final String CLOUDEVENTS_SOURCE = "RELAY_CLOUDEVENTS_SOURCE";
    public static final String DEFAULT_CLOUDEVENTS_SOURCE = "/outbox-pipeline";
    public static final String TRANSACTION_TIMEOUT = "RELAY_KAFKA_TRANSACTION_TIMEOUT";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    /**
     * How long Debezium waits to fill a batch, and to read the WAL again when nothing is pending: the relay's lag is
     * about one and a half to two of these plus a Kafka commit. 10 ms rather than 50 ms: at 1,000 events/s its lag was
     * lower in every pair of runs (p50 about 27 against 61 ms, p99 about 65 against 146 ms on a quiet moment); the cost
     * is the engine waking more often, about 0.1 core while idle against 0.03 (docs/benchmarks.md).
     */
    public static final Duration DEFAULT_POLL = Duration.ofMillis(10);
    public static final Duration DEFAULT_STANDBY_RETRY = Duration.ofSeconds(5);
    /** Used when the broker's {@code transaction.max.timeout.ms} cannot be read; Kafka's own default maximum. */
    public static final Duration FALLBACK_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    public static final int DEFAULT_BATCH = 4096;
    public static final int DEFAULT_QUEUE = 16384;
    /**
     * The relay holds up to about twice this (the queue refills while the batch taken from it is published) plus the
     * producer's {@code buffer.memory} (32 MiB): with 64 MiB that fits a 256 MiB heap.
     */
    public static final long DEFAULT_QUEUE_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_HTTP_PORT = 8081;

    public static RelaySettings fromEnv(Env env) {
        Optional<Duration> timeout = env.optional(TRANSACTION_TIMEOUT).map(v -> env.duration(TRANSACTION_TIMEOUT, null));
        RelaySettings s = new RelaySettings(
                JdbcSettings.fromEnv(env, JdbcSettings.SOURCE),
                KafkaSettings.fromEnv(env),
                env.get("RELAY_SLOT_NAME", DEFAULT_SLOT),
                env.get("RELAY_PUBLICATION", DEFAULT_PUBLICATION),
                env.get("RELAY_OFFSETS_TOPIC", DEFAULT_OFFSETS_TOPIC),
                EventTopicSettings.fromEnv(env),
                env.duration("RELAY_HEARTBEAT_INTERVAL", DEFAULT_HEARTBEAT),
                env.intValue("RELAY_MAX_BATCH_SIZE", DEFAULT_BATCH, 1, 1_000_000),
                env.intValue("RELAY_MAX_QUEUE_SIZE", DEFAULT_QUEUE, 2, 10_000_000),
                env.intValue("RELAY_MAX_QUEUE_MB", (int) (DEFAULT_QUEUE_BYTES >> 20), 0, 1_000_000) * 1024L * 1024L,
                timeout,
                env.duration("RELAY_POLL_INTERVAL", DEFAULT_POLL),
                env.duration("RELAY_STANDBY_RETRY", DEFAULT_STANDBY_RETRY),
                bool(env, DECODE_MESSAGES, true),
                bool(env, CLOUDEVENTS, true) ? Optional.of(cloudEventsSource(env)) : Optional.empty(),
                env.get("RELAY_HTTP_HOST", "127.0.0.1"),
                env.intValue("RELAY_HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65_535));
        s.validate();
        return s;
    }

    public void validate() {
        if (!slotName.matches("[a-z0-9_]{1,63}")) {
            throw new ConfigException("RELAY_SLOT_NAME=" + slotName
                    + " is not a replication slot name: use lower-case letters, digits and _ (at most 63)");
        }
        if (!publication.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new ConfigException("RELAY_PUBLICATION=" + publication + " is not a plain identifier: use e.g. "
                    + DEFAULT_PUBLICATION);
        }
        if (!TopicNames.isLegal(slotOffsetsTopic())) {
            throw new ConfigException("RELAY_OFFSETS_TOPIC=" + offsetsTopic
                    + " is not a Kafka topic name: use letters, digits, '.', '_' and '-' (at most 180)");
        }
        if (maxQueueSize <= maxBatchSize) {
            throw new ConfigException("RELAY_MAX_QUEUE_SIZE=" + maxQueueSize + " must be larger than RELAY_MAX_BATCH_SIZE="
                    + maxBatchSize + ": Debezium requires it");
        }
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
            throw new ConfigException("RELAY_HEARTBEAT_INTERVAL must be positive, e.g. 10s: without heartbeats an idle "
                    + "outbox makes PostgreSQL keep WAL for the slot");
        }
        transactionTimeout.ifPresent(t -> {
            if (t.toMillis() < 100 || t.toMillis() > Integer.MAX_VALUE) {
                throw new ConfigException(TRANSACTION_TIMEOUT + "=" + t + " is out of range: use e.g. 15m (at most the broker's "
                        + "transaction.max.timeout.ms)");
            }
        });
    }

    /** The Kafka transactional id: stable per slot, so a restarted relay fences its stale predecessor. */
    public String transactionalId() {
        return "outbox-relay-" + slotName;
    }

    /**
     * The slot's own offsets topic: another slot's open transaction can then never hold back the last
     * stable offset this slot's relay reads up to. {@link #offsetsTopic()} is the topic shared by every slot
     * before, read once to migrate an offset committed there.
     */
    public String slotOffsetsTopic() {
        return offsetsTopic + "." + slotName;
    }

    public RelaySettings withHttpPort(int port) {
        return new RelaySettings(source, kafka, slotName, publication, offsetsTopic, eventTopics, heartbeatInterval,
                maxBatchSize, maxQueueSize, maxQueueBytes, transactionTimeout, pollInterval, standbyRetry, decodeMessages,
                cloudEventsSource, httpHost, port);
    }

    /** CloudEvents' {@code source} must be a non-empty URI-reference, e.g. {@code /shop} or {@code https://shop.example/orders}. */
    private static String cloudEventsSource(Env env) {
        String source = env.get(CLOUDEVENTS_SOURCE, DEFAULT_CLOUDEVENTS_SOURCE).trim();
        try {
            if (!source.isEmpty()) {
                new URI(source);
                return source;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(CLOUDEVENTS_SOURCE + "=" + source + " is not a URI reference, which CloudEvents' source must be: "
                + "use e.g. " + DEFAULT_CLOUDEVENTS_SOURCE + " or /shop (or " + CLOUDEVENTS + "=false to leave the CloudEvents headers out)");
    }

    private static boolean bool(Env env, String name, boolean defaultValue) {
        return env.optional(name).map(v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(name + "=" + v + " is not a switch: use true or false");
        }).orElse(defaultValue);
    }
}
