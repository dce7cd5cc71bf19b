package dev.outboxpipeline.writer.load;

import dev.outboxpipeline.writer.domain.OrderState;
import dev.outboxpipeline.writer.domain.OrderStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * The aggregates the clients know of, with the last version each client learnt: shared by all clients, so
 * that they collide on the same keys now and then as real clients do.
 */
final class KeySpace {

    /** An aggregate as last seen: for an order, also its customer and status. */
    record Key(UUID id, long version, UUID customerId, OrderStatus status) {
    }

    private final Pool customers = new Pool();
    private final Pool orders = new Pool();

    synchronized int customerCount() {
        return customers.size();
    }

    synchronized int orderCount() {
        return orders.size();
    }

    synchronized Optional<Key> anyCustomer(Random random) {
        return customers.any(random);
    }

    synchronized Optional<Key> anyOrder(Random random) {
        return orders.any(random);
    }

    synchronized void customer(UUID id, long version) {
        customers.put(new Key(id, version, id, null));
    }

    synchronized void order(OrderState o) {
        orders.put(new Key(o.id(), o.version(), o.customerId(), o.status()));
    }

    synchronized void removeOrder(UUID id) {
        orders.remove(id);
    }

    /** The customer and, as the service deletes them with it, its orders. */
    synchronized void removeCustomer(UUID id) {
        customers.remove(id);
        orders.removeIf(k -> k.customerId().equals(id));
    }

    /** Keys in a list for uniform random picks, and an index for O(1) removal. */
    private static final class Pool {
        private final List<Key> keys = new ArrayList<>();
        private final Map<UUID, Integer> index = new HashMap<>();

        int size() {
            return keys.size();
        }

        Optional<Key> any(Random random) {
            return keys.isEmpty() ? Optional.empty() : Optional.of(keys.get(random.nextInt(keys.size())));
        }

        void put(Key key) {
            Integer at = index.get(key.id());
            if (at == null) {
                index.put(key.id(), keys.size());
                keys.add(key);
            } else if (keys.get(at).version() < key.version()) {
                keys.set(at, key);
            }
        }

        void remove(UUID id) {
            Integer at = index.remove(id);
            if (at != null) {
                Key last = keys.remove(keys.size() - 1);
                if (at < keys.size()) {
                    keys.set(at, last);
                    index.put(last.id(), at);
                }
            }
        }

        void removeIf(java.util.function.Predicate<Key> test) {
            for (Key k : List.copyOf(keys)) {
                if (test.test(k)) {
                    remove(k.id());
                }
            }
        }
    }
}
