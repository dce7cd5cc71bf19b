package dev.outboxpipeline.projector;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes event records the way the relay does: a transactional producer, one transaction per batch. */
public final class EventProducer implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    public EventProducer(String bootstrapServers) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-relay-" + UUID.randomUUID());
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    public void send(List<ProducerRecord<String, byte[]>> records) {
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.commitTransaction();
    }

    @Override
    public void close() {
        producer.close();
    }
}
