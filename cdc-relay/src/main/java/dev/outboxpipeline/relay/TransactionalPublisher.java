package dev.outboxpipeline.relay;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.time.Duration;
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
    record SourceTopics(String outbox, String messages, String transactions, String heartbeats) {

        static SourceTopics of(String topicPrefix) {
            return new SourceTopics(topicPrefix + ".public.outbox", topicPrefix + ".message", topicPrefix + ".transaction",
                    "__debezium-heartbeat." + topicPrefix);
        }
    }

    private final Producer<byte[], byte[]> producer;
    private final OutboxRouter router;
    private final OffsetsTopic offsets;
    private final RelayTopicSetup topics;
    private final RelayMetrics metrics;
    private final SourceTopics sourceTopics;
    private final int commitEvery;
    private final DatabaseIdentity identity;
    private final Duration transactionTimeout;
    private final int maxRequestSize;
    private final Callback onSent;

    private volatile Exception sendFailure;
    private boolean kafkaTransactionOpen;
    private long kafkaTransactionStarted;
    private int sentInTransaction;
    private boolean insideSourceTransaction;
    private RecordChangeEvent<SourceRecord> boundary;

    TransactionalPublisher(Producer<byte[], byte[]> producer, OutboxRouter router, OffsetsTopic offsets, RelayTopicSetup topics,
                           RelayMetrics metrics, SourceTopics sourceTopics, int commitEvery, DatabaseIdentity identity,
                           Duration transactionTimeout, int maxRequestSize) {
        this.producer = producer;
        this.router = router;
        this.offsets = offsets;
        this.topics = topics;
        this.metrics = metrics;
        this.sourceTopics = sourceTopics;
        this.commitEvery = commitEvery;
        this.identity = identity;
        this.transactionTimeout = transactionTimeout;
        this.maxRequestSize = maxRequestSize;
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
                publishRow(record);
            } else if (topic.equals(sourceTopics.messages())) {
                // a transactional message is decoded inside its transaction, between BEGIN and END, like a row
                Struct value = (Struct) record.value();
                Struct source = value.getStruct("source");
                insideSourceTransaction |= source.get("txId") != null;
                publish(router.routeMessage(value.getStruct("message"), source), source.getInt64("lsn"));
            } else if (topic.equals(sourceTopics.transactions())) {
                if ("END".equals(((Struct) record.value()).getString("status"))) {
                    insideSourceTransaction = false;
                    boundary = event;
                    // a long Kafka transaction commits at the first boundary, before it nears its timeout
                    if (sentInTransaction >= commitEvery || openFor() > transactionTimeout.toNanos() / 2) {
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

    private void publishRow(SourceRecord record) {
        Struct value = (Struct) record.value();
        if (!"c".equals(value.getString("op"))) {
            return; // outbox rows are only ever inserted; an update publishes nothing
        }
        Struct source = value.getStruct("source");
        publish(router.route(value.getStruct("after"), source), source.getInt64("lsn"));
    }

    private void publish(OutboxRouter.Routed routed, long sourceLsn) {
        if (routed instanceof OutboxRouter.Event event) {
            routed = checkedAgainstTopic(event);
        }
        if (routed instanceof OutboxRouter.DeadLetter) {
            metrics.deadLettered();
        }
        beginIfNeeded();
        if (openFor() > transactionTimeout.toNanos() / 10 * 9) {
            throw Refusal.untilRestarted("a source transaction is still being relayed after "
                    + Duration.ofNanos(openFor()).toMillis() + " ms, near the Kafka transaction timeout "
                    + RelaySettings.TRANSACTION_TIMEOUT + "=" + transactionTimeout + " (source LSN "
                    + SlotGuard.lsn(sourceLsn) + "): Kafka would abort it, and every "
                    + "retry would too. Nothing of it was published; its events wait in the replication slot. Raise "
                    + RelaySettings.TRANSACTION_TIMEOUT + " (at most the broker's transaction.max.timeout.ms) and restart the relay");
        }
        producer.send(routed.record(), onSent);
        sentInTransaction++;
    }

    /** The event's topic, created or checked; an event too large for it becomes a dead letter. */
    private OutboxRouter.Routed checkedAgainstTopic(OutboxRouter.Event event) {
        ProducerRecord<byte[], byte[]> out = event.record();
        RelayTopicSetup.TopicInfo topic;
        String name = out.topic();
        try {
            topic = topics.ensureEventTopic(name);
        } catch (dev.outboxpipeline.config.ConfigException e) {
            // a valid event never goes to the dead-letter topic (not compacted, not allowed to create it):
            // stop, the events wait in the slot
            throw new Refusal(e.getMessage() + ". Events for " + name + " wait in the replication slot; the relay "
                    + "resumes by itself once the topic is fixed", () -> topics.recheck(name));
        }
        int size = OutboxRouter.estimatedSize(out);
        if (size > topic.maxMessageBytes()) {
            // decided before sending: the broker's refusal would abort the whole Kafka transaction
            return OutboxRouter.redirect(event, "record of about " + size + " bytes exceeds the max.message.bytes of "
                    + topic.maxMessageBytes() + " bytes of topic " + name,
                    Math.min(maxRequestSize, topics.deadLetterTopic().maxMessageBytes()));
        }
        return event;
    }

    private void beginIfNeeded() {
        if (!kafkaTransactionOpen) {
            producer.beginTransaction();
            kafkaTransactionOpen = true;
            kafkaTransactionStarted = System.nanoTime();
        }
    }

    private void commit(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        SourceRecord position = boundary.record();
        beginIfNeeded();
        producer.send(offsets.record(position.sourcePartition(), position.sourceOffset(), identity), onSent);
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

    private long openFor() {
        return kafkaTransactionOpen ? System.nanoTime() - kafkaTransactionStarted : 0;
    }

    /** On a graceful stop: what was sent after the last boundary is re-read on the next start. */
    void abortOpenTransaction() {
        if (kafkaTransactionOpen) {
            producer.abortTransaction();
            kafkaTransactionOpen = false;
        }
    }
}
