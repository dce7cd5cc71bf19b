package dev.outboxpipeline.lab.chaos;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.writer.domain.CustomerState;
import dev.outboxpipeline.writer.domain.ShopDatabase;
import dev.outboxpipeline.outbox.Outbox;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.service.ShopService;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * The line's end-to-end lag, measured through the line itself: a probe customer is renamed every
 * {@link #INTERVAL} through the writer's service, and the sink is polled for its version. The lag is the age of the
 * oldest rename (or failed attempt) the sink does not show yet; zero when it shows them all.
 */
final class LagProbe implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofMillis(250);

    record Sample(long atMillis, long lagMillis) {
    }

    private record Attempt(long atMillis, long version) {
    }

    private final ShopDatabase database;
    private final ShopService shop;
    private final JdbcSettings sink;
    private final Deque<Attempt> pending = new ArrayDeque<>();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread writer;
    private final Thread reader;
    private final UUID id;
    private volatile long version;
    private volatile boolean stopping;

    LagProbe(JdbcSettings source, JdbcSettings sink) {
        this.database = ShopDatabase.open(source, 2);
        this.shop = ShopService.of(database.sessionFactory(), Outbox.of(ServiceHttp.objectMapper(), OutboxOptions.keepRows()));
        this.sink = sink;
        CustomerState probe = shop.createCustomer("lag probe", "probe@chaos.invalid");
        this.id = probe.id();
        this.version = probe.version();
        synchronized (pending) {
            pending.add(new Attempt(System.currentTimeMillis(), version));
        }
        writer = new Thread(this::write, "chaos-lag-writer");
        reader = new Thread(this::read, "chaos-lag-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    UUID customerId() {
        return id;
    }

    private void write() {
        while (!stopping) {
            long at = System.currentTimeMillis();
            long written = -1;
            try {
                written = shop.updateCustomer(id, "lag probe " + at, "probe@chaos.invalid", version).version();
                version = written;
            } catch (RuntimeException e) {
                // the source is down or restarting: the attempt still counts as waiting
            }
            synchronized (pending) {
                pending.add(new Attempt(at, written));
            }
            Pause.of(INTERVAL);
        }
    }

    private void read() {
        Connection c = null;
        while (!stopping) {
            long now = System.currentTimeMillis();
            try {
                if (c == null) {
                    c = Connections.open(sink);
                }
                long applied = appliedVersion(c);
                synchronized (pending) {
                    Attempt lastApplied = null;
                    for (Attempt a : pending) {
                        if (a.version() >= 0 && a.version() <= applied) {
                            lastApplied = a;
                        }
                    }
                    while (lastApplied != null && !pending.isEmpty()) {
                        if (pending.removeFirst() == lastApplied) {
                            break;
                        }
                    }
                }
            } catch (RuntimeException | SQLException e) {
                close(c);
                c = null;
            }
            synchronized (pending) {
                long lag = pending.isEmpty() ? 0 : Math.max(0, now - pending.peekFirst().atMillis());
                synchronized (samples) {
                    samples.add(new Sample(now, lag));
                }
            }
            Pause.of(INTERVAL);
        }
        close(c);
    }

    private long appliedVersion(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM customer WHERE id = ?")) {
            s.setObject(1, id);
            s.setQueryTimeout(5);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : -1;
            }
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a broken connection is being dropped anyway
            }
        }
    }

    /** The latest sample's lag, or a very long one before the first. */
    long currentLagMillis() {
        synchronized (samples) {
            return samples.isEmpty() ? Long.MAX_VALUE : samples.get(samples.size() - 1).lagMillis();
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Stops renaming and measuring. */
    void stopWriting() {
        stopping = true;
        try {
            writer.join(60_000);
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopWriting();
        database.close();
    }
}
