package dev.outboxpipeline.writer.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.writer.Writer;
import dev.outboxpipeline.writer.WriterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ShopHttpIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static TestDatabase db;
    private static Writer writer;

    @BeforeAll
    static void start() {
        db = TestDatabase.source("writer_http");
        writer = Writer.start(WriterSettings.fromEnv(Env.of(Map.of(
                "SOURCE_DB_URL", db.settings().url(), "SOURCE_DB_USER", db.settings().user(),
                "WRITER_HTTP_PORT", "0", "WRITER_OUTBOX_REMOVE_AFTER_INSERT", "false"))));
    }

    @AfterAll
    static void stop() {
        writer.close();
    }

    @Test
    void aCustomerIsCreatedReadUpdatedAndDeleted() throws Exception {
        Response created = call("POST", "/customers", "{\"name\": \"Ada Lovelace\", \"email\": \"ada@example.com\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("version").asLong()).isEqualTo(1);
        String id = created.json().get("id").asText();

        assertThat(call("GET", "/customers/" + id, null).json()).isEqualTo(created.json());
        Response updated = call("PUT", "/customers/" + id, "{\"name\": \"Ada King\", \"email\": \"ada@example.com\", \"version\": 1}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("version").asLong()).isEqualTo(2);
        assertThat(updated.json().get("name").asText()).isEqualTo("Ada King");

        assertThat(call("DELETE", "/customers/" + id + "?version=2", null).status()).isEqualTo(204);
        assertThat(call("GET", "/customers/" + id, null).status()).isEqualTo(404);
        assertThat(db.rows("SELECT type FROM outbox WHERE aggregateid = '" + id + "' ORDER BY aggregate_version"))
                .extracting(r -> r.get("type")).containsExactly("CustomerCreated", "CustomerUpdated", "CustomerDeleted");
    }

    @Test
    void anOrderIsPlacedChangedMovedAndDeleted() throws Exception {
        String ada = customer("Ada");
        String bob = customer("Bob");
        Response placed = call("POST", "/orders", """
                {"customerId": "%s", "lines": [{"sku": "BOOK-42", "quantity": 3, "unitPrice": 10.50}]}""".formatted(ada));
        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.json().get("total").decimalValue()).isEqualByComparingTo("31.50");
        assertThat(placed.json().get("status").asText()).isEqualTo("PLACED");
        String order = placed.json().get("id").asText();

        Response paid = call("PUT", "/orders/" + order, "{\"status\": \"PAID\", \"version\": 1}");
        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.json().get("version").asLong()).isEqualTo(2);
        Response moved = call("PUT", "/orders/" + order, "{\"status\": \"PAID\", \"customerId\": \"" + bob + "\", \"version\": 2}");
        assertThat(moved.json().get("customerId").asText()).isEqualTo(bob);
        assertThat(call("GET", "/orders/" + order, null).json()).isEqualTo(moved.json());

        assertThat(call("DELETE", "/orders/" + order + "?version=3", null).status()).isEqualTo(204);
        assertThat(call("GET", "/orders/" + order, null).status()).isEqualTo(404);
    }

    @Test
    void malformedJsonAndMissingOrWrongFieldsAre400NamingTheFieldAndWriteNothing() throws Exception {
        String ada = customer("Ada");
        Map<String, Long> before = writes();

        assertError(call("POST", "/customers", "{\"name\": \"Ada\","), 400, "body is not valid JSON");
        assertError(call("POST", "/customers", "[1, 2]"), 400, "body must be a JSON object");
        assertError(call("POST", "/customers", "{\"name\": \"Ada\"}"), 400, "email is required");
        assertError(call("POST", "/customers", "{\"name\": 7, \"email\": \"a@example.com\"}"), 400, "name must be a string");
        assertError(call("PUT", "/customers/" + ada, "{\"name\": \"A\", \"email\": \"a@example.com\"}"), 400, "version is required");
        assertError(call("PUT", "/customers/" + ada, "{\"name\": \"A\", \"email\": \"a@example.com\", \"version\": \"1\"}"),
                400, "version must be a whole number");
        assertError(call("DELETE", "/customers/" + ada, null), 400, "version is required");
        assertError(call("GET", "/customers/not-a-uuid", null), 400, "id is not a UUID");
        assertError(call("POST", "/orders", "{\"customerId\": \"" + ada + "\"}"), 400, "lines is required");
        assertError(call("POST", "/orders", "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1}]}"),
                400, "lines[0].unitPrice is required");
        assertError(call("POST", "/orders", "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 0, \"unitPrice\": 1}]}"),
                400, "lines[0].quantity must be at least 1");
        assertError(call("POST", "/orders", "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1, \"unitPrice\": 1.001}]}"),
                400, "lines[0].unitPrice must be an amount");
        assertError(call("POST", "/orders", "{\"customerId\": \"nope\", \"lines\": []}"), 400, "customerId is not a UUID");
        assertThat(writes()).isEqualTo(before);
    }

    @Test
    void unknownIdsAre404AndWriteNothing() throws Exception {
        String ada = customer("Ada");
        String nobody = UUID.randomUUID().toString();
        Map<String, Long> before = writes();

        assertError(call("GET", "/customers/" + nobody, null), 404, "customer " + nobody + " does not exist");
        assertError(call("PUT", "/customers/" + nobody, "{\"name\": \"A\", \"email\": \"a@example.com\", \"version\": 1}"), 404, nobody);
        assertError(call("DELETE", "/customers/" + nobody + "?version=1", null), 404, nobody);
        assertError(call("POST", "/orders", "{\"customerId\": \"" + nobody + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1, \"unitPrice\": 1}]}"),
                404, "customer " + nobody);
        assertError(call("GET", "/orders/" + nobody, null), 404, "order " + nobody);
        assertError(call("PUT", "/orders/" + nobody, "{\"status\": \"PAID\", \"version\": 1}"), 404, nobody);
        assertError(call("DELETE", "/orders/" + nobody + "?version=1", null), 404, nobody);
        assertThat(writes()).isEqualTo(before);
        String order = call("POST", "/orders", "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1, \"unitPrice\": 1}]}")
                .json().get("id").asText();
        Map<String, Long> afterOrder = writes();
        assertError(call("PUT", "/orders/" + order, "{\"status\": \"PAID\", \"customerId\": \"" + nobody + "\", \"version\": 1}"),
                404, "customer " + nobody);
        assertThat(writes()).isEqualTo(afterOrder);
    }

    @Test
    void aStaleVersionIs409AndWritesNothing() throws Exception {
        String ada = customer("Ada");
        call("PUT", "/customers/" + ada, "{\"name\": \"Ada 2\", \"email\": \"ada@example.com\", \"version\": 1}");
        String order = call("POST", "/orders", "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1, \"unitPrice\": 1}]}")
                .json().get("id").asText();
        Map<String, Long> before = writes();

        assertError(call("PUT", "/customers/" + ada, "{\"name\": \"Ada 3\", \"email\": \"ada@example.com\", \"version\": 1}"),
                409, "version 2, not 1");
        assertError(call("DELETE", "/customers/" + ada + "?version=1", null), 409, "version 2, not 1");
        assertError(call("PUT", "/orders/" + order, "{\"status\": \"PAID\", \"version\": 7}"), 409, "version 1, not 7");
        assertError(call("DELETE", "/orders/" + order + "?version=2", null), 409, "version 1, not 2");
        assertError(call("PUT", "/orders/" + order, "{\"status\": \"LOST\", \"version\": 1}"), 400, "status must be one of");

        assertThat(writes()).isEqualTo(before);
        assertThat(call("GET", "/customers/" + ada, null).json().get("name").asText()).isEqualTo("Ada 2");
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        customer("Metrics");

        Response health = call("GET", "/health", null);
        Response metrics = call("GET", "/metrics", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(metrics.body()).contains("writer_events_committed_total{aggregate=\"customer\",type=\"CustomerCreated\"}")
                .contains("writer_requests_completed_total");
    }

    private static String customer(String name) throws Exception {
        return call("POST", "/customers", "{\"name\": \"" + name + "\", \"email\": \"" + name.toLowerCase() + "@example.com\"}")
                .json().get("id").asText();
    }

    /** Business rows and outbox rows: nothing may change on a rejected request. */
    private static Map<String, Long> writes() {
        return Map.of("customers", db.count("customer"), "orders", db.count("purchase_order"),
                "lines", db.count("order_line"), "events", db.count("outbox"),
                "versions", ((Number) db.rows("SELECT coalesce(sum(version), 0) + (SELECT coalesce(sum(version), 0)"
                        + " FROM purchase_order) AS v FROM customer").get(0).get("v")).longValue());
    }

    private static void assertError(Response r, int status, String message) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
    }

    private record Response(int status, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private static Response call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + writer.port() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

}
