package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A JDBC writer that commits outbox rows at a steady rate on one connection: each transaction holds the events
 * due by then (one at a time while it keeps up), so a row's commit time is close to when it was due.
 */
final class SteadyOutboxWriter {

    /** What was written: events, transactions, and how long it took. */
    record Written(long events, long transactions, double seconds) {
        double rate() {
            return events / seconds;
        }
    }

    private final JdbcSettings source;
    private final String aggregateType;
    private final String payload;

    SteadyOutboxWriter(JdbcSettings source, String aggregateType, int payloadBytes) {
        this.source = source;
        this.aggregateType = aggregateType;
        this.payload = "{\"id\": \"lag\", \"note\": \"" + "x".repeat(Math.max(0, payloadBytes - 30)) + "\"}";
    }

    Written write(int eventsPerSecond, double seconds) throws Exception {
        long started = System.nanoTime();
        long duration = (long) (seconds * 1e9);
        long events = 0;
        long transactions = 0;
        try (Connection c = Connections.open(source);
             PreparedStatement p = c.prepareStatement("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, "
                     + "aggregate_version) VALUES (?, ?, ?, 'CustomerUpdated', ?::jsonb, ?)")) {
            c.setAutoCommit(false);
            while (true) {
                long elapsed = System.nanoTime() - started;
                if (elapsed >= duration) {
                    break;
                }
                long due = elapsed * eventsPerSecond / 1_000_000_000L + 1;
                if (due <= events) {
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1) / eventsPerSecond / 2);
                    continue;
                }
                for (; events < due; events++) {
                    String aggregate = "l" + (events % 1_000);
                    p.setObject(1, UUID.randomUUID());
                    p.setString(2, aggregateType);
                    p.setString(3, aggregate);
                    p.setString(4, payload);
                    p.setLong(5, events / 1_000 + 1);
                    p.addBatch();
                }
                p.executeBatch();
                c.commit();
                transactions++;
            }
        }
        return new Written(events, transactions, (System.nanoTime() - started) / 1e9);
    }
}
