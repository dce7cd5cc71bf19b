package dev.outboxpipeline.lab.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Event records as the relay writes them, for benchmarks: customers, then a mix of new orders, order
 * updates and customer renames. {@code source-ts-ms} is the moment the record is made, which stands
 * for the source commit.
 */
final class BenchShop {

    private final Topics topics;
    private final Random random = new Random(1);
    private final List<String> customers = new ArrayList<>();
    private final List<String> orders = new ArrayList<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, String> orderCustomer = new HashMap<>();

    BenchShop(Topics topics) {
        this.topics = topics;
    }

    ProducerRecord<String, byte[]> newCustomer() {
        String id = UUID.randomUUID().toString();
        customers.add(id);
        return customer(id);
    }

    ProducerRecord<String, byte[]> newOrder() {
        String id = UUID.randomUUID().toString();
        orders.add(id);
        orderCustomer.put(id, customers.get(random.nextInt(customers.size())));
        return order(id);
    }

    /** 60 % new orders, 30 % order updates, 10 % customer renames. */
    ProducerRecord<String, byte[]> next() {
        int dice = random.nextInt(10);
        if (dice < 6 || orders.isEmpty()) {
            return newOrder();
        } else if (dice < 9) {
            // recent orders change most, as in a shop
            return order(orders.get(Math.max(0, orders.size() - 1 - random.nextInt(Math.min(orders.size(), 5_000)))));
        }
        return customer(customers.get(random.nextInt(customers.size())));
    }

    private ProducerRecord<String, byte[]> customer(String id) {
        long version = versions.merge(id, 1L, Long::sum);
        ObjectNode p = Json.MAPPER.createObjectNode().put("id", id).put("name", "Customer " + version)
                .put("email", id.substring(0, 8) + "@example.com").put("version", version);
        return record(topics.customerEvents(), id, p, version == 1 ? "CustomerCreated" : "CustomerUpdated", version);
    }

    private ProducerRecord<String, byte[]> order(String id) {
        long version = versions.merge(id, 1L, Long::sum);
        ObjectNode p = Json.MAPPER.createObjectNode().put("id", id).put("customerId", orderCustomer.get(id))
                .put("status", version == 1 ? "PLACED" : "PAID").put("total", new BigDecimal("21.00")).put("version", version);
        p.putArray("lines").addObject().put("lineNo", 1).put("sku", "BOOK-42").put("quantity", 2)
                .put("unitPrice", new BigDecimal("10.50"));
        return record(topics.orderEvents(), id, p, version == 1 ? "OrderPlaced" : "OrderUpdated", version);
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, ObjectNode payload, String type,
                                                         long version) {
        RecordHeaders h = new RecordHeaders();
        h.add(EventHeaders.ID, EventRecord.utf8(UUID.randomUUID()));
        h.add(EventHeaders.TYPE, EventRecord.utf8(type));
        h.add(EventHeaders.AGGREGATE_VERSION, EventRecord.utf8(version));
        h.add(EventHeaders.SOURCE_LSN, EventRecord.utf8(0));
        h.add(EventHeaders.SOURCE_TS_MS, EventRecord.utf8(System.currentTimeMillis()));
        return new ProducerRecord<>(topic, null, null, key, Json.write(payload), h);
    }
}
