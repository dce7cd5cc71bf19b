package dev.outboxpipeline.writer.load;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.outbox.Outbox;
import dev.outboxpipeline.outbox.OutboxListener;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.domain.ShopDatabase;
import dev.outboxpipeline.writer.service.ShopService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Drives the shop's operations directly (no HTTP) from concurrent clients: customers created, renamed and
 * deleted, orders placed, their status changed, moved to another customer and deleted, over a key space of
 * customers. Each operation is one {@link ShopService} transaction with its outbox events.
 *
 * <p>To learn which events committed, pass an {@link OutboxListener}: it receives the outbox rows (event
 * ids included) of every transaction that committed. A transaction whose COMMIT broke off (e.g. the
 * database was killed) is not reported although it may have committed; with {@link OutboxOptions#keepRows()}
 * the {@code outbox} table itself holds exactly the committed events ({@code OutboxTable.eventIds}).
 *
 * <pre>{@code
 * try (LoadGenerator load = LoadGenerator.open(source, OutboxOptions.keepRows(), 4, rows -> committed.addAll(rows))) {
 *     LoadReport report = load.run(LoadSpec.of(1_000, 4).withKeys(50));
 * }
 * }</pre>
 */
public final class LoadGenerator implements AutoCloseable {

    private final ShopDatabase database;
    private final ShopService shop;
    private final AtomicLong events;
    private volatile boolean stopping;

    private LoadGenerator(ShopDatabase database, ShopService shop, AtomicLong events) {
        this.database = database;
        this.shop = shop;
        this.events = events;
    }

    /**
     * Opens a pool of {@code connections} (at least the number of clients you will run) on a migrated source
     * database, with the outbox set by {@code options}; {@code committed} hears of every committed event.
     */
    public static LoadGenerator open(JdbcSettings source, OutboxOptions options, int connections,
                                     OutboxListener committed) {
        AtomicLong events = new AtomicLong();
        ShopDatabase database = ShopDatabase.open(source, connections);
        Outbox outbox = Outbox.of(ServiceHttp.objectMapper(), options, rows -> {
            events.addAndGet(rows.size());
            committed.committed(rows);
        });
        return new LoadGenerator(database, ShopService.of(database.sessionFactory(), outbox), events);
    }

    /** One run on its own pool: opens, runs {@code spec}, closes. */
    public static LoadReport run(JdbcSettings source, OutboxOptions options, LoadSpec spec, OutboxListener committed) {
        try (LoadGenerator load = open(source, options, spec.clients(), committed)) {
            return load.run(spec);
        }
    }

    public LoadReport run(LoadSpec spec) {
        return run(spec, n -> { });
    }

    /**
     * Runs until {@code spec.events()} events have committed; {@code progress} hears the events committed so
     * far after each transaction (from the clients' threads).
     *
     * @throws IllegalStateException when no transaction could commit for {@link LoadClient#GIVE_UP_AFTER}
     */
    public LoadReport run(LoadSpec spec, LongConsumer progress) {
        stopping = false;
        long start = System.nanoTime();
        long eventsBefore = events.get();
        LoadClient.Tally tally = new LoadClient.Tally();
        KeySpace keys = new KeySpace();
        Pacer pacer = Pacer.of(spec.rate(), start);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(spec.clients(),
                r -> new Thread(r, "load-client-" + threads.incrementAndGet()));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < spec.clients(); i++) {
                LongSupplier eventsSoFar = () -> events.get() - eventsBefore;
                LoadClient client = new LoadClient(shop, keys, spec, spec.seed() + i, tally, pacer,
                        () -> stopping || eventsSoFar.getAsLong() >= spec.events(), eventsSoFar, progress);
                running.add(clients.submit(client::run));
            }
            for (Future<?> f : running) {
                await(f);
            }
        } finally {
            clients.shutdownNow();
        }
        return tally.report(events.get() - eventsBefore, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Ends the current run early (from another thread): each client finishes the transaction it is in, and
     * {@link #run} returns its report. For tests that keep a load going while they crash something.
     */
    public void stop() {
        stopping = true;
    }

    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the load ran", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
