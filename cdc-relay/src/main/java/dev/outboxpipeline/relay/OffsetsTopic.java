package dev.outboxpipeline.relay;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The slot's compacted offsets topic (one partition; key = the slot's engine name and Debezium source
 * partition, value = the Debezium offset, both in Kafka Connect's offset JSON; headers = the
 * {@link DatabaseIdentity} the offset belongs to). The relay writes it in the same Kafka transaction as the
 * events, so a {@code read_committed} read gives exactly the position after the last published events.
 *
 * <p>A tombstone on the offset's key is {@code reset --accept-gap}: the relay then resumes from the slot.
 * The decision itself is kept under a key of its own, {@code accepted-gap:<time>}.
 */
final class OffsetsTopic {

    static final String DECISION_KEY_PREFIX = "accepted-gap:";

    /** A committed offset, in the JSON bytes Debezium's offset reader expects. */
    record Committed(byte[] key, byte[] value, Optional<DatabaseIdentity> identity, String readFrom) {

        String describe() {
            return new String(value, StandardCharsets.UTF_8);
        }

        /** The furthest LSN the offset vouches for: Debezium flushes nothing beyond it to the slot. */
        long lsn() {
            Map<?, ?> offset = (Map<?, ?>) VALUES.toConnectData("", value).value();
            long lsn = -1;
            for (String field : List.of("lsn", "lsn_commit", "lsn_proc")) {
                if (offset.get(field) instanceof Number n) {
                    lsn = Math.max(lsn, n.longValue());
                }
            }
            return lsn;
        }
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final JsonConverter KEYS = converter(true);
    private static final JsonConverter VALUES = converter(false);

    private final String topic;
    private final String legacyTopic;
    private final String engineName;

    OffsetsTopic(String topic, String legacyTopic, String engineName) {
        this.topic = topic;
        this.legacyTopic = legacyTopic;
        this.engineName = engineName;
    }

    String topic() {
        return topic;
    }

    ProducerRecord<byte[], byte[]> record(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, DatabaseIdentity identity) {
        byte[] key = KEYS.fromConnectData(topic, null, Arrays.asList(engineName, sourcePartition));
        byte[] value = VALUES.fromConnectData(topic, null, sourceOffset);
        return record(key, value, identity);
    }

    ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, DatabaseIdentity identity) {
        RecordHeaders headers = new RecordHeaders();
        identity.writeTo(headers);
        return new ProducerRecord<>(topic, 0, key, value, headers);
    }

    /** Forgets the offset, so the next start resumes from the slot. */
    ProducerRecord<byte[], byte[]> tombstone(byte[] key) {
        return new ProducerRecord<>(topic, 0, key, null);
    }

    ProducerRecord<byte[], byte[]> decision(Instant at, String json) {
        return new ProducerRecord<>(topic, 0, (DECISION_KEY_PREFIX + at).getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The last offset committed for this slot, read {@code read_committed} to the end of its topic. Call it only
     * after {@code initTransactions}: the fence completes or aborts a predecessor's transaction first.
     * When the slot's topic holds nothing yet, an offset committed in the shared topic of earlier versions is used.
     */
    Optional<Committed> readLast(Map<String, Object> clientConfig) {
        Read own = read(clientConfig, topic);
        if (own.seenAny || own.last != null) {
            return Optional.ofNullable(own.last);
        }
        return Optional.ofNullable(read(clientConfig, legacyTopic).last);
    }

    private static final class Read {
        Committed last;
        boolean seenAny;
    }

    private Read read(Map<String, Object> clientConfig, String from) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        String prefix = "[\"" + engineName + "\",";
        TopicPartition partition = new TopicPartition(from, 0);
        Read result = new Read();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(from, READ_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                return result;
            }
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // under read_committed the end offset is the last stable offset: nothing undecided is read
            long end = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
            Instant deadline = Instant.now().plus(READ_TIMEOUT);
            while (consumer.position(partition, READ_TIMEOUT) < end) {
                if (Instant.now().isAfter(deadline)) {
                    throw new Unreachable("could not read the offsets topic " + from + " within " + READ_TIMEOUT, null);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null || !new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix)) {
                        continue;
                    }
                    result.seenAny = true;
                    result.last = r.value() == null ? null
                            : new Committed(r.key(), r.value(), DatabaseIdentity.readFrom(r.headers()), from);
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new Unreachable("could not read the offsets topic " + from + ": " + e.getMessage(), e);
        }
        return result;
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), isKey);
        return c;
    }
}
