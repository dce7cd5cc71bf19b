package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.writer.domain.Customer;
import dev.outboxpipeline.writer.domain.ShopDatabase;
import dev.outboxpipeline.outbox.Outbox;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.service.ShopService;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the outbox costs: the same customer-update workload (read the customer, check the version, rename,
 * commit) with and without its outbox event, in both outbox modes (a row in the outbox table, or a logical decoding
 * message). Each client updates its own share of the customers, so the
 * figures measure the write path, not lock contention.
 */
public final class UpdateBenchmark {

    /** The variants measured. */
    public enum Variant {
        /** The update alone, no outbox event: the baseline. */
        PLAIN("plain"),
        /** The update with its outbox event, inserted and deleted again (the default). */
        OUTBOX("outbox"),
        /** The update with its outbox event, the row kept. */
        OUTBOX_KEEP_ROWS("outbox, rows kept"),
        /** The update with its outbox event as a logical decoding message (WRITER_OUTBOX_MODE=message): no row at all. */
        OUTBOX_MESSAGE("outbox message");

        private final String label;

        Variant(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param clientCpu CPU time of this JVM during the measurement (-1 if unknown)
     * @param serverCpu CPU time of the PostgreSQL server's processes during the measurement (-1 if unknown)
     */
    public record Result(Variant variant, long transactions, Duration measured, Duration clientCpu, Duration serverCpu) {
        public double perSecond() {
            return transactions / (measured.toNanos() / 1e9);
        }

        /** Microseconds of the writer JVM's CPU per transaction; NaN if unknown. */
        public double clientCpuMicrosPerTransaction() {
            return clientCpu.isNegative() || transactions == 0 ? Double.NaN : clientCpu.toNanos() / 1e3 / transactions;
        }

        /** Microseconds of CPU per transaction, writer and database together; NaN if unknown. */
        public double cpuMicrosPerTransaction() {
            return clientCpu.isNegative() || serverCpu.isNegative() || transactions == 0 ? Double.NaN
                    : (clientCpu.toNanos() + serverCpu.toNanos()) / 1e3 / transactions;
        }
    }

    private UpdateBenchmark() {
    }

    /** Inserts {@code customers} customers at version 1 (plain SQL: the set-up is not measured). */
    public static void seed(JdbcSettings source, int customers) throws SQLException {
        try (Connection c = Connections.open(source); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customer (id, name, email, version) SELECT gen_random_uuid(), 'Customer ' || i,"
                    + " 'c' || i || '@example.com', 1 FROM generate_series(1, " + customers + ") AS i");
            s.execute("VACUUM ANALYZE customer");
        }
    }

    /** Runs {@code clients} clients for {@code warmUp} (not counted) and then for {@code measured}. */
    public static Result run(JdbcSettings source, Variant variant, int clients, Duration warmUp, Duration measured)
            throws SQLException {
        Map<UUID, Long> versions = versions(source);
        try (ShopDatabase database = ShopDatabase.open(source, clients)) {
            Updater updater = updater(variant, database.sessionFactory());
            List<List<UUID>> shares = share(new ArrayList<>(versions.keySet()), clients);
            AtomicBoolean counting = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            LongAdder committed = new LongAdder();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (List<UUID> share : shares) {
                    running.add(pool.submit(() -> {
                        for (long n = 0; !stop.get(); n++) {
                            UUID id = share.get((int) (n % share.size()));
                            long next = updater.update(id, "Customer " + n, "c" + n + "@example.com", versions.get(id));
                            versions.put(id, next);
                            if (counting.get()) {
                                committed.increment();
                            }
                        }
                        return null;
                    }));
                }
                pause(warmUp);
                long postmaster = postmaster(source);
                long clientCpu = CpuClock.jvmNanos();
                long serverCpu = CpuClock.postgresNanos(postmaster);
                counting.set(true);
                long start = System.nanoTime();
                pause(measured);
                long transactions = committed.sum();
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                clientCpu = clientCpu < 0 ? -1 : CpuClock.jvmNanos() - clientCpu;
                serverCpu = serverCpu < 0 ? -1 : CpuClock.postgresNanos(postmaster) - serverCpu;
                stop.set(true);
                for (Future<?> f : running) {
                    f.get();
                }
                return new Result(variant, transactions, elapsed, Duration.ofNanos(clientCpu), Duration.ofNanos(serverCpu));
            } catch (ExecutionException e) {
                throw new IllegalStateException("a benchmark client failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Updates one customer known at {@code version}; returns its new version. */
    private interface Updater {
        long update(UUID id, String name, String email, long version);
    }

    private static Updater updater(Variant variant, SessionFactory sessions) {
        return switch (variant) {
            case PLAIN -> (id, name, email, version) -> plainUpdate(sessions, id, name, email, version);
            case OUTBOX, OUTBOX_KEEP_ROWS, OUTBOX_MESSAGE -> {
                Outbox outbox = Outbox.of(ServiceHttp.objectMapper(), switch (variant) {
                    case OUTBOX_KEEP_ROWS -> OutboxOptions.keepRows();
                    case OUTBOX_MESSAGE -> OutboxOptions.messages();
                    default -> OutboxOptions.removingRows();
                });
                ShopService shop = ShopService.of(sessions, outbox);
                yield (id, name, email, version) -> shop.updateCustomer(id, name, email, version).version();
            }
        };
    }

    /** {@link ShopService#updateCustomer} without the outbox event: the same reads, checks and writes. */
    private static long plainUpdate(SessionFactory sessions, UUID id, String name, String email, long version) {
        try (Session s = sessions.openSession()) {
            Transaction tx = s.beginTransaction();
            try {
                Customer customer = s.find(Customer.class, id);
                if (customer == null || customer.version() != version) {
                    throw new IllegalStateException("customer " + id + " is not at version " + version);
                }
                customer.change(name, email);
                tx.commit();
                return customer.version();
            } catch (RuntimeException e) {
                if (tx.isActive()) {
                    tx.rollback();
                }
                throw e;
            }
        }
    }

    private static Map<UUID, Long> versions(JdbcSettings source) throws SQLException {
        Map<UUID, Long> versions = new java.util.concurrent.ConcurrentHashMap<>();
        try (Connection c = Connections.open(source);
             PreparedStatement ps = c.prepareStatement("SELECT id, version FROM customer");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                versions.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("no customers to update: seed some first");
        }
        return versions;
    }

    private static long postmaster(JdbcSettings source) throws SQLException {
        try (Connection c = Connections.open(source); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return CpuClock.postmasterOf(rs.getLong(1));
        }
    }

    private static List<List<UUID>> share(List<UUID> ids, int clients) {
        Map<Integer, List<UUID>> shares = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            shares.computeIfAbsent(i % clients, k -> new ArrayList<>()).add(ids.get(i));
        }
        return new ArrayList<>(shares.values());
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis()); // a benchmark's measuring window, not a wait for a condition
    }
}
