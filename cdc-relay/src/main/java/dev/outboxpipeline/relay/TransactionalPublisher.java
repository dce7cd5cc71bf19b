package dev.outboxpipeline.relay;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;

/**
 * The relay loop. Outbox inserts are sent into an open Kafka transaction as they arrive; the transaction
 * commits, with the source offset written to the offsets topic, only at a PostgreSQL transaction boundary
 * (a transaction's END event, or a heartbeat outside any transaction). Only after that commit is the
 * boundary marked processed, so the offset Debezium flushes to the slot never runs ahead of Kafka.
 *
 * <p>Committing inside a PostgreSQL transaction would lose events: rows of one {@code COPY} share an LSN,
 * and a restart from an offset inside them skips the rest of that LSN.
 */
final class TransactionalPublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    /** Names of the Debezium topics the publisher tells apart. */
    record SourceTopics(String outbox, String transactions, String heartbeats) {

        static SourceTopics of(String topicPrefix) {
            return new SourceTopics(topicPrefix + ".public.outbox", topicPrefix + ".transaction",
                    "__debezium-heartbeat." + topicPrefix);
        }
    }

    private final Producer<byte[], byte[]> producer;
    private final OutboxRouter router;
    private final OffsetsTopic offsets;
    private final Topics topics;
    private final RelayMetrics metrics;
    private final SourceTopics sourceTopics;
    private final int commitEvery;
    private final Callback onSent;

    private volatile Exception sendFailure;
    private boolean kafkaTransactionOpen;
    private int sentInTransaction;
    private boolean insideSourceTransaction;
    private RecordChangeEvent<SourceRecord> boundary;

    TransactionalPublisher(Producer<byte[], byte[]> producer, OutboxRouter router, OffsetsTopic offsets, Topics topics,
                           RelayMetrics metrics, SourceTopics sourceTopics, int commitEvery) {
        this.producer = producer;
        this.router = router;
        this.offsets = offsets;
        this.topics = topics;
        this.metrics = metrics;
        this.sourceTopics = sourceTopics;
        this.commitEvery = commitEvery;
        this.onSent = (metadata, e) -> {
            if (e != null && sendFailure == null) {
                sendFailure = e;
            }
        };
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> events,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        for (RecordChangeEvent<SourceRecord> event : events) {
            SourceRecord record = event.record();
            String topic = record.topic();
            if (topic.equals(sourceTopics.outbox())) {
                insideSourceTransaction = true;
                publish(record);
            } else if (topic.equals(sourceTopics.transactions())) {
                if ("END".equals(((Struct) record.value()).getString("status"))) {
                    insideSourceTransaction = false;
                    boundary = event;
                    if (sentInTransaction >= commitEvery) {
                        commit(committer);
                    }
                }
            } else if (topic.equals(sourceTopics.heartbeats())) {
                if (!insideSourceTransaction) {
                    boundary = event;
                }
            } else {
                // a relay_heartbeat row: it only moves the position, the END that follows commits it
                insideSourceTransaction = true;
            }
        }
        if (boundary != null && !insideSourceTransaction) {
            commit(committer);
        }
        committer.markBatchFinished();
    }

    private void publish(SourceRecord record) {
        Struct value = (Struct) record.value();
        if (!"c".equals(value.getString("op"))) {
            return; // outbox rows are only ever inserted; an update publishes nothing
        }
        OutboxRouter.Routed routed = router.route(value.getStruct("after"), value.getStruct("source"));
        ProducerRecord<byte[], byte[]> out = routed.event() != null ? routed.event() : routed.deadLetter();
        if (routed.event() != null) {
            try {
                topics.ensureEventTopic(out.topic());
            } catch (Topics.NotCompactedException e) {
                out = OutboxRouter.redirect(out, e.getMessage());
            }
        }
        if (out.topic().equals(RelaySettings.DLQ_TOPIC)) {
            metrics.deadLettered();
        }
        beginIfNeeded();
        producer.send(out, onSent);
        sentInTransaction++;
    }

    private void beginIfNeeded() {
        if (!kafkaTransactionOpen) {
            producer.beginTransaction();
            kafkaTransactionOpen = true;
        }
    }

    private void commit(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        SourceRecord position = boundary.record();
        beginIfNeeded();
        producer.send(offsets.record(position.sourcePartition(), position.sourceOffset()), onSent);
        long started = System.nanoTime();
        producer.flush();
        if (sendFailure != null) {
            // the engine stops; the relay restarts it from the last committed offset, and the new
            // producer's initTransactions aborts this transaction
            throw new IllegalStateException("sending to Kafka failed: " + sendFailure.getMessage(), sendFailure);
        }
        producer.commitTransaction();
        metrics.committed(sentInTransaction, System.nanoTime() - started, position.sourceOffset());
        kafkaTransactionOpen = false;
        sentInTransaction = 0;
        // only now may Debezium flush this position to the replication slot
        committer.markProcessed(boundary);
        boundary = null;
    }

    /** On a graceful stop: what was sent after the last boundary is re-read on the next start. */
    void abortOpenTransaction() {
        if (kafkaTransactionOpen) {
            producer.abortTransaction();
            kafkaTransactionOpen = false;
        }
    }
}
