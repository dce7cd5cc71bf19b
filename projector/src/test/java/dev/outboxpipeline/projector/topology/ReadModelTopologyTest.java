package dev.outboxpipeline.projector.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.projector.Events;
import dev.outboxpipeline.projector.model.CustomerRow;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.model.Order;
import dev.outboxpipeline.projector.model.OrderView;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class ReadModelTopologyTest {

    private static final Topics TOPICS = Topics.defaults();

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> customerEvents;
    private final TestInputTopic<String, byte[]> orderEvents;
    private final TestOutputTopic<String, byte[]> customerRows;
    private final TestOutputTopic<String, byte[]> orderRows;
    private final TestOutputTopic<String, byte[]> viewRows;
    private final TestOutputTopic<String, byte[]> deadLetters;
    private long clock = 1_700_000_000_000L;

    ReadModelTopologyTest() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "projector-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every change visible at once
        driver = new TopologyTestDriver(ReadModelTopology.build(new StreamsBuilder(), TOPICS), props);
        customerEvents = driver.createInputTopic(TOPICS.customerEvents(), new StringSerializer(), new ByteArraySerializer());
        orderEvents = driver.createInputTopic(TOPICS.orderEvents(), new StringSerializer(), new ByteArraySerializer());
        customerRows = output(TOPICS.customerRows());
        orderRows = output(TOPICS.purchaseOrderRows());
        viewRows = output(TOPICS.orderViewRows());
        deadLetters = output(TOPICS.deadLetters());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void customerCreateUpdateAndDeleteBecomeRowsThenATombstoneWithItsVersion() {
        String ada = Events.newId();
        customer(ada, "Ada", 1);
        customer(ada, "Ada Lovelace", 2);
        customerDeleted(ada, 3);

        List<TestRecord<String, byte[]>> rows = customerRows.readRecordsToList();
        assertThat(rows).hasSize(3);
        assertThat(json(rows.get(0)).get("name").asText()).isEqualTo("Ada");
        assertThat(json(rows.get(1)).get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(json(rows.get(1)).get("version").asLong()).isEqualTo(2);
        assertThat(json(rows.get(1)).has("deleted")).isFalse();
        assertThat(rows.get(2).value()).isNull();
        assertThat(header(rows.get(2).headers(), EventHeaders.VERSION)).isEqualTo("3");
        assertThat(header(rows.get(2).headers(), EventHeaders.SOURCE_TS_MS)).isEqualTo(String.valueOf(clock));
        assertThat(customerStore().get(ada).deleted()).isTrue();
    }

    @Test
    void orderCreateUpdateAndDeleteReachPurchaseOrderAndOrderView() {
        String ada = Events.newId();
        String order = Events.newId();
        customer(ada, "Ada", 1);
        order(order, ada, "PLACED", 1, 3);
        order(order, ada, "SHIPPED", 2, 3);
        orderDeleted(order, 3);

        List<TestRecord<String, byte[]>> orders = orderRows.readRecordsToList();
        assertThat(orders).extracting(r -> r.value() == null ? "deleted" : json(r).get("status").asText())
                .containsExactly("PLACED", "SHIPPED", "deleted");
        assertThat(json(orders.get(0)).get("total").decimalValue()).isEqualByComparingTo("31.50");
        assertThat(json(orders.get(0)).get("lines").get(0).get("sku").asText()).isEqualTo("SKU-1");
        List<TestRecord<String, byte[]>> views = viewRows.readRecordsToList();
        assertThat(views).extracting(r -> r.value() == null ? "deleted" : json(r).get("status").asText()
                        + "/" + json(r).get("customerName").asText())
                .containsExactly("PLACED/Ada", "SHIPPED/Ada", "deleted");
        assertThat(header(views.get(2).headers(), EventHeaders.VERSION)).isEqualTo("3");
    }

    @Test
    void renamingACustomerUpdatesEveryOneOfItsOrderViews() {
        String ada = Events.newId();
        String first = Events.newId();
        String second = Events.newId();
        customer(ada, "Ada", 1);
        order(first, ada, "PLACED", 1, 1);
        order(second, ada, "PLACED", 1, 2);
        viewRows.readRecordsToList();

        customer(ada, "Ada Lovelace", 2);

        List<TestRecord<String, byte[]>> views = viewRows.readRecordsToList();
        assertThat(views).extracting(TestRecord::key).containsExactlyInAnyOrder(first, second);
        assertThat(views).allSatisfy(r -> {
            assertThat(json(r).get("customerName").asText()).isEqualTo("Ada Lovelace");
            assertThat(json(r).get("customerVersion").asLong()).isEqualTo(2);
            assertThat(json(r).get("version").asLong()).isEqualTo(1);
        });
    }

    @Test
    void deletingACustomerClearsItsOrdersCustomerFields() {
        String ada = Events.newId();
        String order = Events.newId();
        customer(ada, "Ada", 1);
        order(order, ada, "PLACED", 1, 1);
        viewRows.readRecordsToList();

        customerDeleted(ada, 2);

        TestRecord<String, byte[]> view = viewRows.readRecord();
        assertThat(view.key()).isEqualTo(order);
        assertThat(json(view).get("customerName").isNull()).isTrue();
        assertThat(json(view).get("customerEmail").isNull()).isTrue();
        assertThat(json(view).get("status").asText()).isEqualTo("PLACED");
        assertThat(viewRows.isEmpty()).isTrue();
    }

    @Test
    void anOrderMovedToAnotherCustomerFollowsTheNewOneOnly() {
        String ada = Events.newId();
        String bob = Events.newId();
        String order = Events.newId();
        customer(ada, "Ada", 1);
        customer(bob, "Bob", 1);
        order(order, ada, "PLACED", 1, 1);

        order(order, bob, "PLACED", 2, 1);
        assertThat(json(lastOf(viewRows.readRecordsToList())).get("customerName").asText()).isEqualTo("Bob");

        customer(ada, "Ada Lovelace", 2);
        assertThat(viewRows.isEmpty()).as("the order no longer follows its old customer").isTrue();

        customer(bob, "Bob Dylan", 2);
        TestRecord<String, byte[]> view = viewRows.readRecord();
        assertThat(json(view).get("customerName").asText()).isEqualTo("Bob Dylan");
        assertThat(json(view).get("customerId").asText()).isEqualTo(bob);
    }

    @Test
    void anOrderArrivingBeforeItsCustomerGetsTheNameWhenTheCustomerArrives() {
        String ada = Events.newId();
        String order = Events.newId();
        order(order, ada, "PLACED", 1, 1);
        assertThat(json(viewRows.readRecord()).get("customerName").isNull()).isTrue();

        customer(ada, "Ada", 1);

        assertThat(json(viewRows.readRecord()).get("customerName").asText()).isEqualTo("Ada");
    }

    @Test
    void aDeletedOrderNoLongerFollowsItsCustomer() {
        String ada = Events.newId();
        String order = Events.newId();
        customer(ada, "Ada", 1);
        order(order, ada, "PLACED", 1, 1);
        orderDeleted(order, 2);
        viewRows.readRecordsToList();

        customer(ada, "Ada Lovelace", 2);

        assertThat(viewRows.isEmpty()).isTrue();
    }

    @Test
    void anOlderEventNeverReplacesANewerRow() {
        String ada = Events.newId();
        customer(ada, "Ada v2", 2);
        customer(ada, "Ada v1", 1);

        assertThat(customerStore().get(ada).name()).isEqualTo("Ada v2");
        assertThat(customerRows.readRecordsToList()).allSatisfy(r ->
                assertThat(json(r).get("version").asLong()).isEqualTo(2));
    }

    @Test
    void anOlderEventNeverResurrectsADeletedRow() {
        String order = Events.newId();
        String ada = Events.newId();
        order(order, ada, "PLACED", 1, 1);
        orderDeleted(order, 2);
        order(order, ada, "PLACED", 1, 1);

        assertThat(orderStore().get(order).deleted()).isTrue();
        assertThat(lastOf(orderRows.readRecordsToList()).value()).isNull();
    }

    @Test
    void payloadThatIsNotJsonGoesToTheDeadLetterTopicWithTheReasonAndTheLineGoesOn() {
        String ada = Events.newId();
        customerEvents.pipeInput(new TestRecord<>(ada, "{not json".getBytes(StandardCharsets.UTF_8),
                Events.headers("CustomerCreated", 1, clock), clock));
        customer(ada, "Ada", 1);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(ada);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(header(dead.headers(), EventHeaders.DLQ_REASON)).startsWith("payload is not JSON");
        assertThat(header(dead.headers(), EventHeaders.DLQ_TOPIC)).isEqualTo(TOPICS.customerEvents());
        assertThat(header(dead.headers(), EventHeaders.DLQ_OFFSET)).isEqualTo("0");
        assertThat(header(dead.headers(), EventHeaders.TYPE)).isEqualTo("CustomerCreated");
        assertThat(customerStore().get(ada).name()).isEqualTo("Ada");
        assertThat(customerRows.readRecordsToList()).hasSize(1);
    }

    @Test
    void eventsMissingFieldsOrWithBadIdsAreDeadLetters() {
        String id = Events.newId();
        pipeCustomerRaw(id, "{\"id\":\"" + id + "\",\"email\":\"a@b\",\"version\":1}");
        pipeCustomerRaw(id, "{\"id\":\"" + id + "\",\"name\":\"A\",\"email\":\"a@b\"}");
        pipeCustomerRaw("not-a-uuid", "{\"id\":\"not-a-uuid\",\"name\":\"A\",\"email\":\"a@b\",\"version\":1}");
        pipeCustomerRaw(id, "{\"id\":\"" + Events.newId() + "\",\"name\":\"A\",\"email\":\"a@b\",\"version\":1}");
        pipeCustomerRaw(id, "[1,2]");
        orderEvents.pipeInput(new TestRecord<>(id, Events.order(id, "nobody", "PLACED", 1, 1),
                Events.headers("OrderPlaced", 1, clock), clock));

        assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r.headers(), EventHeaders.DLQ_REASON)
                        .replaceAll(" [0-9a-f-]{36}", "")) // the ids in the message
                .containsExactly("field 'name' is missing or not a non-empty string",
                        "field 'version' is missing or not a positive whole number",
                        "key is not a UUID: not-a-uuid",
                        "payload id differs from the record key",
                        "payload is not a JSON object",
                        "customerId is not a UUID: nobody");
        assertThat(customerRows.isEmpty()).isTrue();
        assertThat(viewRows.isEmpty()).isTrue();
    }

    @Test
    void aTombstoneWithoutItsVersionIsADeadLetter() {
        String id = Events.newId();
        customer(id, "Ada", 1);
        customerEvents.pipeInput(new TestRecord<>(id, null, new org.apache.kafka.common.header.internals.RecordHeaders(), clock));

        assertThat(header(deadLetters.readRecord().headers(), EventHeaders.DLQ_REASON))
                .contains("tombstone without");
        assertThat(customerStore().get(id).deleted()).isFalse();
    }

    // Deletion markers were never pruned, so the stores and their changelogs grew with every delete ever made.
    @Test
    void deletionMarkersOlderThanTheRetentionArePrunedAndNewerOnesAndLiveRowsKept() {
        String old = Events.newId();
        String oldOrder = Events.newId();
        String live = Events.newId();
        customer(old, "Old", 1);
        customerDeleted(old, 2);
        order(oldOrder, live, "PLACED", 1, 1);
        orderDeleted(oldOrder, 2);
        customer(live, "Live", 1);
        clock = System.currentTimeMillis(); // the events so far are years old; this delete is fresh
        String fresh = Events.newId();
        customer(fresh, "Fresh", 1);
        customerDeleted(fresh, 2);
        assertThat(customerStore().get(old).deleted()).isTrue();

        driver.advanceWallClockTime(Duration.ofHours(2));

        assertThat(customerStore().get(old)).as("a marker past the retention").isNull();
        assertThat(orderStore().get(oldOrder)).isNull();
        KeyValueStore<String, OrderView> views = driver.getKeyValueStore(ReadModelTopology.ORDER_VIEW_STORE);
        assertThat(views.get(oldOrder)).isNull();
        assertThat(customerStore().get(fresh).deleted()).as("a marker within the retention").isTrue();
        assertThat(customerStore().get(live).name()).isEqualTo("Live");
    }

    private void customer(String id, String name, long version) {
        customerEvents.pipeInput(new TestRecord<>(id, Events.customer(id, name, name.toLowerCase().replace(' ', '.') + "@example.com", version),
                Events.headers(version == 1 ? "CustomerCreated" : "CustomerUpdated", version, ++clock), clock));
    }

    private void customerDeleted(String id, long version) {
        customerEvents.pipeInput(new TestRecord<>(id, null, Events.headers("CustomerDeleted", version, ++clock), clock));
    }

    private void order(String id, String customerId, String status, long version, int... quantities) {
        orderEvents.pipeInput(new TestRecord<>(id, Events.order(id, customerId, status, version, quantities),
                Events.headers(version == 1 ? "OrderPlaced" : "OrderUpdated", version, ++clock), clock));
    }

    private void orderDeleted(String id, long version) {
        orderEvents.pipeInput(new TestRecord<>(id, null, Events.headers("OrderDeleted", version, ++clock), clock));
    }

    private void pipeCustomerRaw(String key, String payload) {
        customerEvents.pipeInput(new TestRecord<>(key, payload.getBytes(StandardCharsets.UTF_8),
                Events.headers("CustomerCreated", 1, ++clock), clock));
    }

    private KeyValueStore<String, CustomerRow> customerStore() {
        return driver.getKeyValueStore(ReadModelTopology.CUSTOMER_STORE);
    }

    private KeyValueStore<String, Order> orderStore() {
        return driver.getKeyValueStore(ReadModelTopology.ORDER_STORE);
    }

    private TestOutputTopic<String, byte[]> output(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static <T> T lastOf(List<T> list) {
        assertThat(list).isNotEmpty();
        return list.get(list.size() - 1);
    }

    private static JsonNode json(TestRecord<String, byte[]> record) {
        assertThat(record.value()).as("a row, not a tombstone").isNotNull();
        try {
            return Json.MAPPER.readTree(record.value());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String header(Headers headers, String name) {
        return HeaderValues.text(headers, name).orElse(null);
    }
}
