package dev.outboxpipeline.projector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.query.ReadModelQueries;
import dev.outboxpipeline.projector.topology.HeaderValues;
import dev.outboxpipeline.projector.topology.ReadModelTopology;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProjectorIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final KafkaBroker kafka = SharedServers.kafka();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void afterAMixedLoadTheSinkEqualsTheSourceStateFieldByField() {
        TestPipeline p = TestPipeline.create("mixed", SharedServers.postgres(), kafka);
        ShopModel shop = new ShopModel(p.topics(), 42, 40);
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers());
             Projector projector = Projector.start(p.settings(), ServiceHttp.newRegistry())) {
            for (int i = 0; i < 100; i++) {
                List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
                for (int j = 0; j < 10; j++) {
                    batch.addAll(shop.next());
                }
                producer.send(batch);
            }

            awaitSinkEquals(p, shop);
        }
    }

    @Test
    void poisonEventsGoToTheDeadLetterTopicWithTheReasonAndTheRestFlows() {
        TestPipeline p = TestPipeline.create("poison", SharedServers.postgres(), kafka);
        ShopModel shop = new ShopModel(p.topics(), 7, 10);
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers());
             Projector projector = Projector.start(p.settings(), ServiceHttp.newRegistry())) {
            String bad = Events.newId();
            producer.send(List.of(new ProducerRecord<>(p.topics().customerEvents(), null, null, bad,
                    "not json".getBytes(StandardCharsets.UTF_8), Events.headers("CustomerCreated", 1, 1L))));
            producer.send(shop.next());
            producer.send(shop.next());

            awaitSinkEquals(p, shop);
            ConsumerRecord<String, byte[]> dead = readOne(p.topics().deadLetters());
            assertThat(dead.key()).isEqualTo(bad);
            assertThat(HeaderValues.text(dead.headers(), EventHeaders.DLQ_REASON)).hasValueSatisfying(r ->
                    assertThat(r).startsWith("payload is not JSON"));
        }
    }

    @Test
    void interactiveQueriesAnswerFromTheStoresWithTheCustomersCurrentName() throws Exception {
        TestPipeline p = TestPipeline.create("queries", SharedServers.postgres(), kafka);
        String ada = Events.newId();
        String order = Events.newId();
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers());
             Projector projector = Projector.start(p.settings(), ServiceHttp.newRegistry())) {
            producer.send(List.of(
                    customerEvent(p, ada, "Ada", 1),
                    new ProducerRecord<>(p.topics().orderEvents(), null, null, order,
                            Events.order(order, ada, "PLACED", 1, 2), Events.headers("OrderPlaced", 1, 1L)),
                    customerEvent(p, ada, "Ada Lovelace", 2)));

            int port = projector.port();
            await().atMost(PATIENCE).untilAsserted(() -> {
                HttpResponse<String> r = get(port, "/orders/" + order);
                assertThat(r.statusCode()).isEqualTo(200);
                JsonNode body = Json.MAPPER.readTree(r.body());
                assertThat(body.get("customerName").asText()).isEqualTo("Ada Lovelace");
                assertThat(body.get("customerEmail").asText()).isEqualTo("ada.lovelace@example.com");
                assertThat(body.get("total").decimalValue()).isEqualByComparingTo("21.00");
            });
            JsonNode customer = Json.MAPPER.readTree(get(port, "/customers/" + ada).body());
            assertThat(customer.get("name").asText()).isEqualTo("Ada Lovelace");
            assertThat(customer.get("version").asLong()).isEqualTo(2);
            assertThat(get(port, "/customers/" + Events.newId()).statusCode()).isEqualTo(404);
            // Regression: an odd id made building the forwarding URL fail with a 500
            assertThat(get(port, "/customers/not-a-uuid").statusCode()).isEqualTo(400);
            assertThat(get(port, "/orders/a%20b%7C").statusCode()).isEqualTo(400);
            assertThat(get(port, "/health").statusCode()).isEqualTo(200);
            assertThat(get(port, "/metrics").body()).contains("projector_event_lag_seconds", "projector_batch_apply_seconds",
                    "projector_sink_lag", "projector_events_lag", "projector_rows_apply_total");
        }
    }

    @Test
    void withTwoInstancesEitherAnswersForEveryKeyAskingTheOtherWhenItHoldsIt() throws Exception {
        TestPipeline p = TestPipeline.create("scaleout", SharedServers.postgres(), kafka);
        ShopModel shop = new ShopModel(p.topics(), 11, 30);
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers());
             Projector first = Projector.start(p.settings(), ServiceHttp.newRegistry());
             Projector second = Projector.start(p.anotherInstance(), ServiceHttp.newRegistry())) {
            List<ProducerRecord<String, byte[]>> events = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                events.addAll(shop.next());
            }
            producer.send(events);
            awaitSinkEquals(p, shop);
            List<String> ids = shop.expectedCustomers().stream().map(row -> row.substring(0, row.indexOf('|'))).toList();

            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(first.streams().state().isRunningOrRebalancing()).isTrue();
                long heldBySecond = ids.stream().filter(id -> first.streams()
                        .queryMetadataForKey(ReadModelTopology.CUSTOMER_STORE, id, Serdes.String().serializer())
                        .activeHost().port() == second.port()).count();
                assertThat(heldBySecond).as("customers whose partition the second instance holds").isPositive();
                for (String id : ids) {
                    for (Projector instance : List.of(first, second)) {
                        HttpResponse<String> r = get(instance.port(), "/customers/" + id);
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        assertThat(Json.MAPPER.readTree(r.body()).get("id").asText()).isEqualTo(id);
                    }
                }
            });
        }
    }

    @Test
    void aSinkOutageIsRetriedWithBackOffAndNothingIsLostOrSkipped() throws Exception {
        try (PostgresServer privateSink = PostgresServers.start("projector-outage")) {
            TestPipeline p = TestPipeline.create("outage", privateSink, kafka);
            ShopModel shop = new ShopModel(p.topics(), 5, 50);
            PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
            AtomicBoolean loading = new AtomicBoolean(true);
            try (EventProducer producer = new EventProducer(kafka.bootstrapServers());
                 Projector projector = Projector.start(p.settings(), registry)) {
                Thread load = new Thread(() -> {
                    while (loading.get()) {
                        producer.send(shop.next());
                    }
                });
                load.start();
                await().atMost(PATIENCE).until(() -> !p.rows().customers().isEmpty());

                privateSink.restart(); // the sink is down while the load goes on, and its connections are cut

                await().atMost(PATIENCE).until(() -> registry.counter("projector.sink.failures").count() > 0);
                loading.set(false);
                load.join();
                awaitSinkEquals(p, shop);
            }
        }
    }

    // Fail-over took a full restore, and until the group noticed a killed instance (session.timeout.ms)
    // the keys it held answered 503. With standbys the survivor answers them, marked stale.
    @Test
    void withStandbysQueriesKeepAnsweringWhenTheOtherInstanceIsKilled() throws Exception {
        TestPipeline p = TestPipeline.create("standby", SharedServers.postgres(), kafka);
        ShopModel shop = new ShopModel(p.topics(), 13, 30);
        Path output = Files.createTempFile("projector-child", ".log");
        Process child = null;
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers());
             Projector first = Projector.start(p.settings().withStandbyReplicas(1), ServiceHttp.newRegistry())) {
            child = startInChildJvm(p, output);
            Process killed = child;
            int childPort = await().atMost(PATIENCE).until(() -> childPort(output), port -> port > 0);
            List<ProducerRecord<String, byte[]>> events = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                events.addAll(shop.next());
            }
            producer.send(events);
            awaitSinkEquals(p, shop);
            List<String> ids = shop.expectedCustomers().stream().map(row -> row.substring(0, row.indexOf('|'))).toList();
            HostInfo self = new HostInfo("127.0.0.1", first.port());
            await().atMost(PATIENCE).untilAsserted(() -> {
                List<KeyQueryMetadata> held = ids.stream().map(id -> first.streams().queryMetadataForKey(
                        ReadModelTopology.CUSTOMER_STORE, id, Serdes.String().serializer()))
                        .filter(m -> m.activeHost().port() == childPort).toList();
                assertThat(held).as("keys the child holds, with a standby here").isNotEmpty()
                        .allSatisfy(m -> assertThat(m.standbyHosts()).contains(self));
                for (String id : ids) {
                    assertThat(get(first.port(), "/customers/" + id).statusCode()).isEqualTo(200);
                }
            });

            killed.destroyForcibly(); // SIGKILL: the group notices only after session.timeout.ms
            killed.waitFor();
            List<String> staleAnswers = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (String id : ids) {
                    HttpResponse<String> r = get(first.port(), "/customers/" + id);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(Json.MAPPER.readTree(r.body()).get("id").asText()).isEqualTo(id);
                    r.headers().firstValue(ReadModelQueries.STALE).ifPresent(staleAnswers::add);
                }
            }
            assertThat(staleAnswers).as("answers from the standby while the killed instance still holds its keys")
                    .isNotEmpty();

            // Regression (chaos): restarted on its port, the killed instance answers 503 until it runs again, and
            // the survivor relayed those 503s instead of answering from its standby.
            child = startInChildJvm(p, output, childPort);
            Process restarted = child;
            await().atMost(PATIENCE).ignoreExceptions().until(() -> get(childPort, "/health/live").statusCode() == 200);
            int rounds = 0;
            while (restarted.isAlive() && get(childPort, "/health").statusCode() != 200) {
                for (String id : ids) {
                    HttpResponse<String> r = get(first.port(), "/customers/" + id);
                    // a store being restored or moved may still say 503; a 404 would be a wrong answer
                    assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
                    assertThat(r.body()).as("the starting instance's refusal, relayed").doesNotContain("not ready yet");
                }
                rounds++;
            }
            assertThat(rounds).as("rounds of queries while the restarted instance was starting").isPositive();
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }

    /** The second instance as a process of its own, so that it can be killed as a real one is. */
    private Process startInChildJvm(TestPipeline p, Path output) throws Exception {
        return startInChildJvm(p, output, 0);
    }

    private Process startInChildJvm(TestPipeline p, Path output, int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProjectorMain.class.getName());
        Map<String, String> env = pb.environment();
        env.put("SINK_DB_URL", p.sink().url());
        env.put("SINK_DB_USER", p.sink().user());
        env.put("SINK_DB_PASSWORD", p.sink().password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PROJECTOR_APPLICATION_ID", p.settings().applicationId());
        env.put("PROJECTOR_TOPIC_PREFIX", p.name() + ".");
        env.put("PROJECTOR_STATE_DIR", p.anotherInstance().stateDir().toString());
        env.put("PROJECTOR_HTTP_PORT", Integer.toString(port));
        env.put("PROJECTOR_STANDBY_REPLICAS", "1");
        env.put("EVENT_TOPIC_PARTITIONS", String.valueOf(TestPipeline.PARTITIONS));
        pb.redirectErrorStream(true);
        pb.redirectOutput(output.toFile());
        return pb.start();
    }

    private static int childPort(Path output) throws IOException {
        Matcher m = Pattern.compile("answering on http://[^:]+:(\\d+)").matcher(Files.readString(output));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static void awaitSinkEquals(TestPipeline p, ShopModel shop) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(p.rows().customers()).containsExactlyElementsOf(shop.expectedCustomers());
            assertThat(p.rows().orders()).containsExactlyElementsOf(shop.expectedOrders());
            assertThat(p.rows().orderViews()).containsExactlyElementsOf(shop.expectedOrderViews());
        });
    }

    private ProducerRecord<String, byte[]> customerEvent(TestPipeline p, String id, String name, long version) {
        return new ProducerRecord<>(p.topics().customerEvents(), null, null, id,
                Events.customer(id, name, name.toLowerCase().replace(' ', '.') + "@example.com", version),
                Events.headers(version == 1 ? "CustomerCreated" : "CustomerUpdated", version, System.currentTimeMillis()));
    }

    private ConsumerRecord<String, byte[]> readOne(String topic) {
        return FirstRecord.of(kafka.bootstrapServers(), topic, PATIENCE);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
