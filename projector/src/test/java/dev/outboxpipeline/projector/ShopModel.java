package dev.outboxpipeline.projector;

import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * The source side of a test: a shop whose random changes become event records (in each aggregate's
 * order), and the read model those events must produce in the sink, as comparable text rows.
 */
public final class ShopModel {

    private record CustomerState(String name, String email, long version) {
    }

    private record OrderState(String customerId, String status, long version, int quantity) {
    }

    private static final String[] STATUSES = {"PLACED", "PAID", "SHIPPED", "DELIVERED"};

    private final Topics topics;
    private final Random random;
    private final int maxCustomers;
    private final Map<String, CustomerState> customers = new LinkedHashMap<>();
    private final Map<String, Long> deletedCustomers = new LinkedHashMap<>();
    private final Map<String, OrderState> orders = new LinkedHashMap<>();
    private int events;

    public ShopModel(Topics topics, long seed, int maxCustomers) {
        this.topics = topics;
        this.random = new Random(seed);
        this.maxCustomers = maxCustomers;
    }

    public int events() {
        return events;
    }

    /** One random business change: its events, in order. */
    public synchronized List<ProducerRecord<String, byte[]>> next() {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        int dice = random.nextInt(100);
        if (customers.size() < 3 || (customers.size() < maxCustomers && dice < 20)) {
            String id = Events.newId();
            putCustomer(out, id, new CustomerState("Customer " + id.substring(0, 8), id.substring(0, 8) + "@example.com", 1));
        } else if (dice < 35) {
            String id = any(customers);
            CustomerState c = customers.get(id);
            putCustomer(out, id, new CustomerState(c.name() + "'", "v" + (c.version() + 1) + "." + c.email(), c.version() + 1));
        } else if (dice < 60 || orders.isEmpty()) {
            putOrder(out, Events.newId(), new OrderState(any(customers), "PLACED", 1, 1 + random.nextInt(5)));
        } else if (dice < 78) {
            String id = any(orders);
            OrderState o = orders.get(id);
            putOrder(out, id, new OrderState(o.customerId(), STATUSES[random.nextInt(STATUSES.length)], o.version() + 1, o.quantity()));
        } else if (dice < 88) {
            String id = any(orders);
            OrderState o = orders.get(id);
            putOrder(out, id, new OrderState(any(customers), o.status(), o.version() + 1, o.quantity()));
        } else if (dice < 96) {
            deleteOrder(out, any(orders));
        } else {
            String id = any(customers);
            for (String order : new ArrayList<>(orders.keySet())) {
                if (orders.get(order).customerId().equals(id)) {
                    deleteOrder(out, order);
                }
            }
            long version = customers.remove(id).version() + 1;
            deletedCustomers.put(id, version);
            out.add(record(topics.customerEvents(), id, null, "CustomerDeleted", version));
        }
        events += out.size();
        return out;
    }

    private void putCustomer(List<ProducerRecord<String, byte[]>> out, String id, CustomerState c) {
        customers.put(id, c);
        out.add(record(topics.customerEvents(), id, Events.customer(id, c.name(), c.email(), c.version()),
                c.version() == 1 ? "CustomerCreated" : "CustomerUpdated", c.version()));
    }

    private void putOrder(List<ProducerRecord<String, byte[]>> out, String id, OrderState o) {
        orders.put(id, o);
        out.add(record(topics.orderEvents(), id, Events.order(id, o.customerId(), o.status(), o.version(), o.quantity()),
                o.version() == 1 ? "OrderPlaced" : "OrderUpdated", o.version()));
    }

    private void deleteOrder(List<ProducerRecord<String, byte[]>> out, String id) {
        long version = orders.remove(id).version() + 1;
        out.add(record(topics.orderEvents(), id, null, "OrderDeleted", version));
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value, String type, long version) {
        return new ProducerRecord<>(topic, null, null, key, value, Events.headers(type, version, System.currentTimeMillis()));
    }

    private String any(Map<String, ?> map) {
        List<String> keys = new ArrayList<>(map.keySet());
        return keys.get(random.nextInt(keys.size()));
    }

    /** The customer table as {@link SinkRows#customers} prints it. */
    public synchronized List<String> expectedCustomers() {
        TreeSet<String> rows = new TreeSet<>();
        customers.forEach((id, c) -> rows.add(id + "|" + c.name() + "|" + c.email() + "|" + c.version()));
        return List.copyOf(rows);
    }

    public synchronized List<String> expectedOrders() {
        TreeSet<String> rows = new TreeSet<>();
        orders.forEach((id, o) -> rows.add(id + "|" + o.customerId() + "|" + o.status() + "|"
                + new java.math.BigDecimal("10.50").multiply(java.math.BigDecimal.valueOf(o.quantity())) + "|" + o.version()));
        return List.copyOf(rows);
    }

    public synchronized List<String> expectedOrderViews() {
        TreeSet<String> rows = new TreeSet<>();
        orders.forEach((id, o) -> {
            CustomerState c = customers.get(o.customerId());
            rows.add(id + "|" + o.customerId() + "|" + o.status() + "|" + o.version() + "|"
                    + (c == null ? null : c.name()) + "|" + (c == null ? null : c.email()));
        });
        return List.copyOf(rows);
    }
}
