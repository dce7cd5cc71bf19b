package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends rejected read-model records to {@code projector.dlq}: the record as read (key, value, headers)
 * plus {@code dlq-reason}, {@code dlq-topic}, {@code dlq-partition} and {@code dlq-offset}. Keyed by the
 * row's id, so a dead letter sent twice (a crash between the ack and the sink's commit) is easy to spot.
 */
final class SinkDeadLetters implements DeadLetters, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkDeadLetters.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<TopicPartition, Map<Long, ConsumerRecord<String, byte[]>>> batch = new HashMap<>();

    SinkDeadLetters(String topic, Map<String, Object> kafkaClientConfig, String clientId) {
        Map<String, Object> c = new HashMap<>(kafkaClientConfig);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.topic = topic;
        this.producer = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
    }

    /** The records of the batch being applied, to look the rejected ones up by position. */
    void batch(Iterable<ConsumerRecord<String, byte[]>> records) {
        batch.clear();
        for (ConsumerRecord<String, byte[]> r : records) {
            batch.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new HashMap<>()).put(r.offset(), r);
        }
    }

    @Override
    public void publish(List<Rejected> rejected) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (Rejected x : rejected) {
            ConsumerRecord<String, byte[]> r = batch.getOrDefault(x.partition(), Map.of()).get(x.offset());
            RecordHeaders headers = new RecordHeaders(r == null ? new RecordHeaders().toArray() : r.headers().toArray());
            headers.add(EventHeaders.DLQ_REASON, EventRecord.utf8(x.reason()));
            headers.add(EventHeaders.DLQ_TOPIC, EventRecord.utf8(x.partition().topic()));
            headers.add(EventHeaders.DLQ_PARTITION, EventRecord.utf8(x.partition().partition()));
            headers.add(EventHeaders.DLQ_OFFSET, EventRecord.utf8(x.offset()));
            acks.add(producer.send(new ProducerRecord<>(topic, null, null, r == null ? null : r.key(),
                    r == null ? null : r.value(), headers)));
            LOG.warn("dead-lettered {}-{}@{} to {}: {}", x.partition().topic(), x.partition().partition(), x.offset(),
                    topic, x.reason());
        }
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending dead letters", e);
            } catch (ExecutionException | TimeoutException e) {
                // not the data's fault: the caller rolls back and retries the batch
                throw new DeadLetterFailed("could not send dead letters to " + topic + ": " + e, e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** Kafka did not take a dead letter; the batch is retried like a database outage. */
    static final class DeadLetterFailed extends IllegalStateException {
        DeadLetterFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
