package dev.outboxpipeline.relay;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A continuous write load of plain JDBC transactions (a few INSERTs each, every tenth a COPY of many rows; in
 * message mode the same events as outbox messages, each with a business row), recording exactly the events that
 * committed. When a commit's outcome is unknown (the database restarted
 * under it), it asks the database after reconnecting.
 */
final class LoadWriter implements AutoCloseable {

    /** How the load writes its events: the writer's two outbox modes. */
    enum Mode { TABLE, MESSAGE }

    private final RelayFixture fixture;
    private final Mode mode;
    private final List<OutboxEvent> committed = new ArrayList<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final AtomicInteger transactions = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    LoadWriter(RelayFixture fixture) throws SQLException {
        this(fixture, Mode.TABLE);
    }

    LoadWriter(RelayFixture fixture, Mode mode) throws SQLException {
        this.fixture = fixture;
        this.mode = mode;
        try (Connection c = fixture.connect()) {
            OutboxWrites.createBusinessTable(c);
        }
        this.thread = new Thread(this::run, "load-writer");
        thread.start();
    }

    int transactions() {
        return transactions.get();
    }

    private void run() {
        Connection c = null;
        try {
            while (running) {
                if (c == null) {
                    c = reconnect();
                }
                List<OutboxEvent> batch = next();
                try {
                    if (mode == Mode.MESSAGE) {
                        OutboxWrites.emit(c, batch);
                    } else if (transactions.get() % 10 == 9) {
                        OutboxWrites.copy(c, batch);
                    } else {
                        OutboxWrites.insert(c, batch);
                    }
                    record(batch);
                } catch (SQLException e) {
                    closeQuietly(c);
                    c = reconnect();
                    if (c == null) {
                        return;
                    }
                    if (OutboxWrites.committed(c, batch.get(0))) {
                        record(batch);
                    }
                }
                transactions.incrementAndGet();
                Thread.sleep(2); // a steady load, not a flood: leaves CPU for the relay on two cores
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            closeQuietly(c);
        }
    }

    private List<OutboxEvent> next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        boolean copy = transactions.get() % 10 == 9;
        int n = copy ? 50 : 1 + r.nextInt(5);
        List<OutboxEvent> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String aggregate = "agg" + r.nextInt(40);
            long version = versions.merge(aggregate, 1L, Long::sum);
            batch.add(fixture.event(aggregate, version));
        }
        return batch;
    }

    private synchronized void record(List<OutboxEvent> batch) {
        committed.addAll(batch);
    }

    private Connection reconnect() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (running || System.nanoTime() < deadline) {
            try {
                return fixture.connect();
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the source database did not come back", e);
                }
                Thread.sleep(200); // waiting for a restarting server
            }
        }
        return null;
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // the server may be gone
        }
    }

    /** Stops the load and returns every event that committed. */
    List<OutboxEvent> stop() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(150).toMillis());
        if (failure != null) {
            throw new IllegalStateException("the write load failed", failure);
        }
        synchronized (this) {
            return List.copyOf(committed);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(150).toMillis());
    }
}
