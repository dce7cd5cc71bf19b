package dev.outboxpipeline.relay;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compacted topic holding the relay's source offset (one partition; key = the slot's engine name and
 * Debezium source partition, value = the Debezium offset, both in Kafka Connect's offset JSON). The relay
 * writes it in the same Kafka transaction as the events, so a {@code read_committed} read gives exactly the
 * position after the last published events.
 */
final class OffsetsTopic {

    /** A committed offset, in the JSON bytes Debezium's offset reader expects. */
    record Committed(byte[] key, byte[] value) {

        String describe() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final String topic;
    private final String engineName;
    private final JsonConverter keyConverter = converter(true);
    private final JsonConverter valueConverter = converter(false);

    OffsetsTopic(String topic, String engineName) {
        this.topic = topic;
        this.engineName = engineName;
    }

    ProducerRecord<byte[], byte[]> record(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset) {
        byte[] key = keyConverter.fromConnectData(topic, null, Arrays.asList(engineName, sourcePartition));
        byte[] value = valueConverter.fromConnectData(topic, null, sourceOffset);
        return new ProducerRecord<>(topic, 0, key, value);
    }

    /** The last offset committed for this engine name, read {@code read_committed} to the end of the topic. */
    Optional<Committed> readLast(Map<String, Object> clientConfig) {
        Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        String prefix = "[\"" + engineName + "\",";
        TopicPartition partition = new TopicPartition(topic, 0);
        Committed last = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // under read_committed the end offset is the last stable offset: nothing undecided is read
            long end = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
            Instant deadline = Instant.now().plus(READ_TIMEOUT);
            while (consumer.position(partition, READ_TIMEOUT) < end) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read the offsets topic " + topic + " within " + READ_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.value() != null
                            && new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix)) {
                        last = new Committed(r.key(), r.value());
                    }
                }
            }
        }
        return Optional.ofNullable(last);
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), isKey);
        return c;
    }
}
