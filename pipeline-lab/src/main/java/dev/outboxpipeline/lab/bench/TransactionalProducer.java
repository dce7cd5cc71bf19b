package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.KafkaSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Sends like the relay: one Kafka transaction per batch, so read_committed consumers see whole batches. */
final class TransactionalProducer implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    private TransactionalProducer(Map<String, Object> config) {
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    /** Each batch sent at once (linger 0), as a relay sends each WAL batch: for latency figures. */
    static TransactionalProducer eager(KafkaSettings kafka) {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-" + UUID.randomUUID());
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new TransactionalProducer(c);
    }

    /** Large batches on the wire: for filling topics fast before a measurement. */
    static TransactionalProducer bulk(KafkaSettings kafka) {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-" + UUID.randomUUID());
        c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new TransactionalProducer(c);
    }

    void send(List<ProducerRecord<String, byte[]>> records) {
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.commitTransaction();
    }

    @Override
    public void close() {
        producer.close();
    }
}
