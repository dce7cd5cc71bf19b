package dev.outboxpipeline.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import org.hibernate.Session;
import org.hibernate.SessionEventListener;
import org.hibernate.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records outbox events inside the Hibernate transaction that makes the change, so that the change and its
 * events commit together or not at all.
 *
 * <p>{@link #record} refuses to run outside an active transaction. It serialises the payload at once, before
 * the flush takes the business rows' locks, and keeps the row; at commit, after Hibernate has flushed the
 * business changes, it checks that every changed aggregate's flushed version equals its event's version and
 * writes all of the transaction's outbox rows in one round trip. With remove-after-insert (the default) the
 * same round trip deletes them again: the insert still reaches the write-ahead log, which is all the relay
 * reads, and the table never grows. In message mode ({@link OutboxMode#MESSAGE}) the same round trip emits one
 * transactional logical decoding message per event instead ({@link OutboxMessages}). Each event also carries the
 * trace context that {@link OutboxOptions#traceContext()} gives when it is recorded.
 */
public final class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final ObjectWriter json;
    private final OutboxOptions options;
    private final OutboxListener listener;
    private final Map<Session, SessionRows> sessions = new ConcurrentHashMap<>();

    private Outbox(ObjectMapper json, OutboxOptions options, OutboxListener listener) {
        // built once and shared: an ObjectWriter is immutable and thread-safe
        this.json = json.writer();
        this.options = options;
        this.listener = listener;
    }

    public static Outbox of(ObjectMapper json, OutboxOptions options) {
        return new Outbox(json, options, OutboxListener.NONE);
    }

    /** An outbox that also tells {@code listener} about each committed transaction's rows. */
    public static Outbox of(ObjectMapper json, OutboxOptions options, OutboxListener listener) {
        return new Outbox(json, options, listener);
    }

    public OutboxOptions options() {
        return options;
    }

    /**
     * Records {@code event} in the session's active transaction; it is written when that transaction commits
     * and discarded if it rolls back.
     *
     * @throws IllegalStateException when the session has no active transaction
     */
    public OutboxRow record(Session session, AggregateEvent event) {
        Transaction tx = session.getTransaction();
        if (!tx.isActive()) {
            throw new IllegalStateException("an outbox event is recorded inside the transaction that makes the change:"
                    + " begin one first (no transaction active for the " + event.type() + " event of "
                    + event.aggregateType() + " " + event.aggregateId() + ")");
        }
        OutboxRow row = new OutboxRow(EventIds.next(), event.aggregateType(), event.aggregateId(), event.type(),
                event.version(), event.isDeletion() ? null : serialise(event), options.traceContext().current());
        sessions.computeIfAbsent(session, SessionRows::new).current(tx).add(event, row);
        return row;
    }

    /** Transactions with recorded events that have neither completed nor been abandoned with their session. */
    int pendingTransactions() {
        return (int) sessions.values().stream().filter(s -> s.current != null).count();
    }

    /**
     * A session that recorded events, with the rows of its current transaction; forgotten when the session
     * closes, also when it closes with its transaction neither committed nor rolled back (the database then
     * rolls it back and no completion callback comes).
     */
    private final class SessionRows implements SessionEventListener {

        private final transient Session session;
        private TransactionRows current;

        SessionRows(Session session) {
            this.session = session;
            session.addEventListeners(this);
        }

        TransactionRows current(Transaction tx) {
            if (current == null) {
                current = new TransactionRows(this);
                tx.registerSynchronization(current);
            }
            return current;
        }

        void completed() {
            current = null;
        }

        @Override
        public void end() {
            sessions.remove(session);
        }
    }

    private String serialise(AggregateEvent event) {
        try {
            return json.writeValueAsString(event.state());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the state of " + event.aggregateType() + " " + event.aggregateId()
                    + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The rows one transaction recorded; written just before it commits, reported once it has. */
    private final class TransactionRows implements Synchronization {

        private final SessionRows owner;
        private final List<AggregateEvent> events = new ArrayList<>();
        private final List<OutboxRow> rows = new ArrayList<>();

        TransactionRows(SessionRows owner) {
            this.owner = owner;
        }

        void add(AggregateEvent event, OutboxRow row) {
            events.add(event);
            rows.add(row);
        }

        /** Runs after Hibernate's flush at commit: the versions are final and the business rows written. */
        @Override
        public void beforeCompletion() {
            for (AggregateEvent event : events) {
                if (event.root() != null && event.root().version() != event.version()) {
                    throw new IllegalStateException("the " + event.type() + " event of " + event.aggregateType() + " "
                            + event.aggregateId() + " carries version " + event.version() + " but the change flushed version "
                            + event.root().version() + ": build the event from the state after the change");
                }
            }
            owner.session.doWork(connection -> {
                if (options.mode() == OutboxMode.MESSAGE) {
                    OutboxMessages.emit(connection, rows);
                } else {
                    OutboxTable.insert(connection, rows, options.removeAfterInsert());
                }
            });
        }

        @Override
        public void afterCompletion(int status) {
            owner.completed();
            if (status == Status.STATUS_COMMITTED) {
                try {
                    listener.committed(List.copyOf(rows));
                } catch (RuntimeException e) {
                    // the transaction has committed: a listener's failure must not make it look failed
                    log.warn("an outbox listener failed on {} committed rows", rows.size(), e);
                }
            }
        }
    }
}
