package dev.outboxpipeline.writer.load;

import dev.outboxpipeline.writer.domain.CustomerState;
import dev.outboxpipeline.writer.domain.NewLine;
import dev.outboxpipeline.writer.domain.OrderState;
import dev.outboxpipeline.writer.domain.OrderStatus;
import dev.outboxpipeline.writer.load.KeySpace.Key;
import dev.outboxpipeline.writer.service.ConflictException;
import dev.outboxpipeline.writer.service.NotFoundException;
import dev.outboxpipeline.writer.service.ShopService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/** One client of a load run: picks an operation, runs it as one transaction, retries 409s with a fresh read. */
final class LoadClient {

    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);
    private static final Duration ERROR_PAUSE = Duration.ofMillis(200);
    private static final int MAX_ATTEMPTS = 10;
    private static final OrderStatus[] STATUSES = OrderStatus.values();
    private static final Logger log = LoggerFactory.getLogger(LoadClient.class);

    /** Counts shared by the clients of a run. */
    static final class Tally {
        final LongAdder transactions = new LongAdder();
        final LongAdder conflictRetries = new LongAdder();
        final LongAdder vanished = new LongAdder();
        final LongAdder errors = new LongAdder();
        final AtomicLong lastCommitNanos = new AtomicLong(System.nanoTime());
        final Map<String, LongAdder> operations = new ConcurrentHashMap<>();

        LoadReport report(long events, Duration elapsed) {
            Map<String, Long> ops = new java.util.HashMap<>();
            operations.forEach((k, v) -> ops.put(k, v.sum()));
            return new LoadReport(transactions.sum(), events, conflictRetries.sum(), vanished.sum(), errors.sum(),
                    elapsed, ops);
        }
    }

    private final ShopService shop;
    private final KeySpace keys;
    private final LoadSpec spec;
    private final Random random;
    private final Tally tally;
    private final Pacer pacer;
    private final BooleanSupplier done;
    private final LongSupplier eventsSoFar;
    private final LongConsumer progress;

    LoadClient(ShopService shop, KeySpace keys, LoadSpec spec, long seed, Tally tally, Pacer pacer,
               BooleanSupplier done, LongSupplier eventsSoFar, LongConsumer progress) {
        this.shop = shop;
        this.keys = keys;
        this.spec = spec;
        this.random = new Random(seed);
        this.tally = tally;
        this.pacer = pacer;
        this.done = done;
        this.eventsSoFar = eventsSoFar;
        this.progress = progress;
    }

    void run() {
        while (!done.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            pacer.await();
            try {
                step();
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    /** One operation, chosen for a realistic mix: mostly renames, orders and status changes. */
    private void step() {
        int customers = keys.customerCount();
        int roll = random.nextInt(100);
        if (customers < Math.max(1, spec.keys() / 10) || (roll < 8 && customers < spec.keys())) {
            createCustomer();
        } else if (roll < 35) {
            renameCustomer();
        } else if (roll < 60 || keys.orderCount() == 0) {
            placeOrder();
        } else if (roll < 82) {
            changeStatus();
        } else if (roll < 92) {
            moveOrder();
        } else if (roll < 97) {
            deleteOrder();
        } else {
            deleteCustomer();
        }
    }

    private void createCustomer() {
        CustomerState c = shop.createCustomer(name(), "c" + random.nextInt(1_000_000) + "@example.com");
        keys.customer(c.id(), c.version());
        committed("createCustomer");
    }

    private void renameCustomer() {
        withCustomer("renameCustomer", k -> {
            CustomerState c = shop.updateCustomer(k.id(), name(), "r" + random.nextInt(1_000_000) + "@example.com",
                    k.version());
            keys.customer(c.id(), c.version());
            return true;
        });
    }

    private void deleteCustomer() {
        withCustomer("deleteCustomer", k -> {
            shop.deleteCustomer(k.id(), k.version());
            keys.removeCustomer(k.id());
            return true;
        });
    }

    private void placeOrder() {
        withCustomer("placeOrder", k -> {
            keys.order(shop.placeOrder(k.id(), lines()));
            return true;
        });
    }

    private void changeStatus() {
        withOrder("changeStatus", k -> {
            OrderStatus next = STATUSES[(k.status().ordinal() + 1 + random.nextInt(STATUSES.length - 1)) % STATUSES.length];
            keys.order(shop.updateOrder(k.id(), next, null, k.version()));
            return true;
        });
    }

    private void moveOrder() {
        Optional<Key> target = keys.anyCustomer(random);
        if (target.isEmpty()) {
            return;
        }
        withOrder("moveOrder", k -> {
            if (target.get().id().equals(k.customerId())) {
                return false;
            }
            try {
                keys.order(shop.updateOrder(k.id(), k.status(), target.get().id(), k.version()));
                return true;
            } catch (NotFoundException e) {
                // the target customer went; the order is still there
                keys.removeCustomer(target.get().id());
                tally.vanished.increment();
                return false;
            }
        });
    }

    private void deleteOrder() {
        withOrder("deleteOrder", k -> {
            shop.deleteOrder(k.id(), k.version());
            keys.removeOrder(k.id());
            return true;
        });
    }

    /** One try of an operation on a key; false when there was nothing to do (not counted as a transaction). */
    private interface Attempt {
        boolean run(Key key);
    }

    private void withCustomer(String operation, Attempt attempt) {
        keys.anyCustomer(random).ifPresentOrElse(k -> retrying(operation, k, true, attempt), this::createCustomer);
    }

    private void withOrder(String operation, Attempt attempt) {
        keys.anyOrder(random).ifPresentOrElse(k -> retrying(operation, k, false, attempt), this::placeOrder);
    }

    /** Runs the attempt; after a 409, reads the aggregate again and retries with its current version. */
    private void retrying(String operation, Key key, boolean customer, Attempt attempt) {
        for (int attemptNo = 1; ; attemptNo++) {
            try {
                if (attempt.run(key)) {
                    committed(operation);
                }
                return;
            } catch (ConflictException e) {
                tally.conflictRetries.increment();
                Optional<Key> fresh = customer ? reloadCustomer(key) : reloadOrder(key);
                if (fresh.isEmpty() || attemptNo == MAX_ATTEMPTS) {
                    return;
                }
                key = fresh.get();
            } catch (NotFoundException e) {
                if ((customer ? reloadCustomer(key) : reloadOrder(key)).isPresent()) {
                    // a referenced aggregate went, not this one: drop the operation
                    tally.vanished.increment();
                }
                return;
            }
        }
    }

    private Optional<Key> reloadCustomer(Key key) {
        Optional<CustomerState> c = shop.findCustomer(key.id());
        c.ifPresentOrElse(s -> keys.customer(s.id(), s.version()), () -> gone(() -> keys.removeCustomer(key.id())));
        return c.map(s -> new Key(s.id(), s.version(), s.id(), null));
    }

    private Optional<Key> reloadOrder(Key key) {
        Optional<OrderState> o = shop.findOrder(key.id());
        o.ifPresentOrElse(keys::order, () -> gone(() -> keys.removeOrder(key.id())));
        return o.map(s -> new Key(s.id(), s.version(), s.customerId(), s.status()));
    }

    private void gone(Runnable forget) {
        forget.run();
        tally.vanished.increment();
    }

    private void committed(String operation) {
        tally.transactions.increment();
        tally.operations.computeIfAbsent(operation, k -> new LongAdder()).increment();
        tally.lastCommitNanos.set(System.nanoTime());
        progress.accept(eventsSoFar.getAsLong());
    }

    /** Anything but a 404 or 409 (the database restarting, say): counted, paused, retried until we give up. */
    private void failed(RuntimeException e) {
        tally.errors.increment();
        long quiet = System.nanoTime() - tally.lastCommitNanos.get();
        if (quiet > GIVE_UP_AFTER.toNanos()) {
            throw new IllegalStateException("no transaction committed for " + GIVE_UP_AFTER.toSeconds()
                    + " s; the last error: " + e.getMessage(), e);
        }
        log.warn("load transaction failed, retrying: {}", e.toString());
        LockSupport.parkNanos(ERROR_PAUSE.toNanos());
    }

    private String name() {
        return NAMES[random.nextInt(NAMES.length)] + " " + (char) ('A' + random.nextInt(26)) + ".";
    }

    private List<NewLine> lines() {
        int n = 1 + random.nextInt(3);
        List<NewLine> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(new NewLine("SKU-" + random.nextInt(500), 1 + random.nextInt(5),
                    BigDecimal.valueOf(100 + random.nextInt(10_000), 2)));
        }
        return lines;
    }

    private static final String[] NAMES = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Frances", "Katherine",
            "Donald", "Leslie", "Margaret", "John", "Radia", "Tony", "Niklaus", "Shafi", "Butler"};
}
