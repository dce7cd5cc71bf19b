package dev.outboxpipeline.projector.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outboxpipeline.projector.Events;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AnalyticsTopologyTest {

    private static final AnalyticsTopics TOPICS = AnalyticsTopics.of(Topics.defaults());
    /** A whole minute, so tumbling and hopping windows start at T0. */
    private static final long T0 = 28_333_334L * 60_000;
    private static final long MINUTE = 60_000;

    private final AtomicInteger late = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean caughtUp = new java.util.concurrent.atomic.AtomicBoolean(true);
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> customerEvents;
    private TestInputTopic<String, byte[]> orderEvents;
    private final String ada = Events.newId();
    private final String bob = Events.newId();

    private void start(AnalyticsSettings settings, int inputPartitions) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "analytics-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(AnalyticsTopology.build(new StreamsBuilder(), TOPICS, settings, inputPartitions,
                late::incrementAndGet, caughtUp::get), props, Instant.ofEpochMilli(T0));
        customerEvents = driver.createInputTopic(TOPICS.customerEvents(), new StringSerializer(), new ByteArraySerializer());
        orderEvents = driver.createInputTopic(TOPICS.orderEvents(), new StringSerializer(), new ByteArraySerializer());
    }

    private void start() {
        start(AnalyticsSettings.defaults(), 1);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void tumblingWindowHoldsItsStartAndExcludesItsEnd() {
        start();
        placed(ada, T0, 1);
        placed(ada, T0 + MINUTE - 1, 2);
        placed(ada, T0 + MINUTE, 3);
        placed(bob, T0 + MINUTE + 10_000, 1); // ada's first window closes at its end plus the grace
        ticks(2);

        List<JsonNode> finals = finals(TOPICS.revenueRows());
        assertThat(finals).hasSize(1);
        JsonNode first = finals.get(0);
        assertThat(first.get("customerId").asText()).isEqualTo(ada);
        assertThat(first.get("windowStart").asLong()).isEqualTo(T0);
        assertThat(first.get("windowEnd").asLong()).isEqualTo(T0 + MINUTE);
        assertThat(first.get("orders").asLong()).isEqualTo(2);
        assertThat(first.get("revenue").decimalValue()).isEqualByComparingTo(new BigDecimal("31.50"));
    }

    @Test
    void runningValuesAreNotFinalAndEachWindowIsFinalOnce() {
        start();
        placed(ada, T0 + 1_000, 1);
        placed(ada, T0 + 2_000, 1);
        List<JsonNode> running = rows(TOPICS.revenueRows());
        assertThat(running).extracting(r -> r.get("orders").asLong()).containsExactly(1L, 2L);
        assertThat(running).allSatisfy(r -> assertThat(r.get("final").asBoolean()).isFalse());

        placed(bob, T0 + MINUTE + 9_999, 1); // one millisecond short of the close
        ticks(2);
        assertThat(rows(TOPICS.revenueRows())).noneMatch(r -> r.get("final").asBoolean());

        placed(bob, T0 + MINUTE + 10_000, 1);
        ticks(2);
        placed(bob, T0 + 3 * MINUTE, 1);
        ticks(2);
        List<JsonNode> all = rows(TOPICS.revenueRows());
        assertThat(all.stream().filter(r -> r.get("final").asBoolean() && r.get("customerId").asText().equals(ada)))
                .singleElement().satisfies(r -> assertThat(r.get("orders").asLong()).isEqualTo(2));
    }

    @Test
    void anEventUpToTheGraceLateStillCountsAndALaterOneGoesToTheLateTopic() {
        start();
        placed(ada, T0 + 65_000, 1);
        placed(ada, T0 + 55_000, 1);     // 10 s behind: within the grace, its window is still open
        placed(ada, T0 + 54_999, 1);     // 10.001 s behind: late
        customerChanged(bob, T0 + 1_000); // late too, also for the sessions
        ticks(2);

        assertThat(late).hasValue(2);
        List<TestRecord<String, byte[]>> lateRecords = output(TOPICS.late()).readRecordsToList();
        assertThat(lateRecords).extracting(TestRecord::key).containsExactly(ada, bob);
        assertThat(Json.read(lateRecords.get(0).value(), Activity.class).lateByMs()).isEqualTo(10_001);
        assertThat(lateRecords.get(0).headers().lastHeader("source-ts-ms")).isNotNull();

        placed(bob, T0 + 2 * MINUTE + 10_000, 1);
        ticks(2);
        List<JsonNode> finals = finals(TOPICS.revenueRows());
        assertThat(finals).filteredOn(r -> r.get("windowStart").asLong() == T0).singleElement()
                .satisfies(r -> assertThat(r.get("orders").asLong()).isEqualTo(1));
        assertThat(finals).filteredOn(r -> r.get("windowStart").asLong() == T0 + MINUTE).singleElement()
                .satisfies(r -> assertThat(r.get("orders").asLong()).isEqualTo(1));
        assertThat(rows(TOPICS.sessionRows())).noneMatch(r -> r.get("customerId").asText().equals(bob)
                && r.get("sessionStart").asLong() == T0 + 1_000);
    }

    @Test
    void hoppingWindowsOverlapSoEachPlacementCountsInFiveOfThem() {
        start();
        placed(ada, T0 + 30_000, 1);
        placed(bob, T0 + 90_000, 1);
        placed(bob, T0 + 20 * MINUTE, 1); // closes everything before
        ticks(2);

        List<JsonNode> finals = finals(TOPICS.movingRows());
        assertThat(finals).extracting(r -> r.get("windowStart").asLong() + ":" + r.get("orders").asLong())
                .contains(start(-4) + ":1", start(-3) + ":2", start(-2) + ":2", start(-1) + ":2", start(0) + ":2",
                        start(1) + ":1");
        assertThat(finals).filteredOn(r -> r.get("windowStart").asLong() <= T0 + MINUTE)
                .allSatisfy(r -> assertThat(r.get("windowEnd").asLong() - r.get("windowStart").asLong()).isEqualTo(5 * MINUTE))
                .hasSize(6);
    }

    @Test
    void aSessionMergeRemovesTheSessionsItSupersedes() {
        start(AnalyticsSettings.defaults().withGrace(Duration.ofSeconds(20)), 1);
        customerChanged(ada, T0);
        customerChanged(ada, T0 + 35_000);  // more than the 30 s gap: a second session
        assertThat(rows(TOPICS.sessionRows())).hasSize(2);

        orderChanged(ada, T0 + 17_000);     // within the gap of both: one session of three changes
        List<TestRecord<String, byte[]>> changes = output(TOPICS.sessionRows()).readRecordsToList();
        assertThat(changes).filteredOn(r -> r.value() == null).extracting(TestRecord::key)
                .containsExactlyInAnyOrder(ada + "@" + T0 + "@" + T0, ada + "@" + (T0 + 35_000) + "@" + (T0 + 35_000));
        JsonNode merged = Json.read(changes.get(changes.size() - 1).value(), JsonNode.class);
        assertThat(merged.get("sessionStart").asLong()).isEqualTo(T0);
        assertThat(merged.get("sessionEnd").asLong()).isEqualTo(T0 + 35_000);
        assertThat(merged.get("changes").asLong()).isEqualTo(3);

        customerChanged(bob, T0 + 35_000 + 30_000 + 20_000); // the session's end, plus the gap and the grace
        ticks(2);
        assertThat(finals(TOPICS.sessionRows())).singleElement().satisfies(f -> {
            assertThat(f.get("customerId").asText()).isEqualTo(ada);
            assertThat(f.get("changes").asLong()).isEqualTo(3);
        });
    }

    @Test
    void anIdleLineStillFinalisesWithinTheGracePlusAFewSecondsOfWallClock() {
        start();
        placed(ada, T0 + 5_000, 1);
        driver.advanceWallClockTime(Duration.ofMillis(MINUTE + 10_000)); // at the close: not yet
        assertThat(finals(TOPICS.revenueRows())).isEmpty();

        ticks(5);
        assertThat(finals(TOPICS.revenueRows())).singleElement()
                .satisfies(f -> assertThat(f.get("orders").asLong()).isEqualTo(1));
    }

    /** Story: a task that started slowly on a backlog took its silence for idleness and dropped the backlog as late. */
    @Test
    void aSilentPartitionWithABacklogStillToFetchDoesNotAdvanceWithTheWallClock() {
        start();
        caughtUp.set(false);
        ticks(60);
        placed(ada, T0 + 5_000, 1); // the backlog's first event arrives a minute after the start

        assertThat(late).hasValue(0);
        assertThat(rows(TOPICS.revenueRows())).singleElement().satisfies(r -> assertThat(r.get("final").asBoolean()).isFalse());
    }

    @Test
    void aWindowStaysOpenUntilEveryInputPartitionHasPassedIt() {
        start(AnalyticsSettings.defaults(), 2); // the driver runs partition 0 only: partition 1 never reports
        placed(ada, T0 + 5_000, 1);
        placed(ada, T0 + 10 * MINUTE, 1);
        ticks(30);

        assertThat(finals(TOPICS.revenueRows())).isEmpty();
        assertThat(rows(TOPICS.revenueRows())).isNotEmpty();
    }

    @Test
    void laterChangesToAnOrderDoNotRewriteItsPlacementWindow() {
        start();
        String order = Events.newId();
        orderEvents.pipeInput(new TestRecord<>(order, Events.order(order, ada, "NEW", 1, 2), Events.headers("OrderPlaced", 1, T0 + 1_000), (Long) null));
        orderEvents.pipeInput(new TestRecord<>(order, Events.order(order, ada, "PAID", 2, 2), Events.headers("OrderUpdated", 2, T0 + 2_000), (Long) null));
        orderEvents.pipeInput(new TestRecord<>(order, null, Events.headers("OrderDeleted", 3, T0 + 3_000), (Long) null));

        assertThat(rows(TOPICS.revenueRows())).singleElement()
                .satisfies(r -> assertThat(r.get("revenue").decimalValue()).isEqualByComparingTo("21.00"));
    }

    private static long start(int minutesFromT0) {
        return T0 + minutesFromT0 * MINUTE;
    }

    private void ticks(int seconds) {
        for (int i = 0; i < seconds; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
    }

    private void placed(String customer, long ts, int quantity) {
        String order = Events.newId();
        orderEvents.pipeInput(new TestRecord<>(order, Events.order(order, customer, "NEW", 1, quantity),
                Events.headers("OrderPlaced", 1, ts), (Long) null));
    }

    private void orderChanged(String customer, long ts) {
        String order = Events.newId();
        orderEvents.pipeInput(new TestRecord<>(order, Events.order(order, customer, "PAID", 2, 1),
                Events.headers("OrderUpdated", 2, ts), (Long) null));
    }

    private void customerChanged(String customer, long ts) {
        customerEvents.pipeInput(new TestRecord<>(customer, Events.customer(customer, "C", "c@example.com", 1),
                Events.headers("CustomerUpdated", 1, ts), (Long) null));
    }

    private final java.util.Map<String, List<TestRecord<String, byte[]>>> seen = new java.util.HashMap<>();

    /** Every record the topic has had so far (tombstones left out), oldest first. */
    private List<JsonNode> rows(String topic) {
        List<TestRecord<String, byte[]>> all = seen.computeIfAbsent(topic, t -> new ArrayList<>());
        all.addAll(output(topic).readRecordsToList());
        return all.stream().filter(r -> r.value() != null).map(r -> Json.read(r.value(), JsonNode.class)).toList();
    }

    private List<JsonNode> finals(String topic) {
        return rows(topic).stream().filter(r -> r.get("final").asBoolean()).toList();
    }

    private TestOutputTopic<String, byte[]> output(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
