package dev.outboxpipeline.writer.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.writer.Writer;
import dev.outboxpipeline.writer.WriterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's API under hostile input: every request below gets a 4xx with {@code {"error": ...}}, never
 * a 500; none of them writes a business row or an outbox row; and the writer keeps serving afterwards.
 */
class HostileInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String CUSTOMER = "{\"name\": \"Ada\", \"email\": \"ada@example.com\"}";
    private static TestDatabase db;
    private static Writer writer;

    @BeforeAll
    static void start() {
        db = TestDatabase.source("writer_hostile");
        writer = Writer.start(WriterSettings.fromEnv(Env.of(Map.of(
                "SOURCE_DB_URL", db.settings().url(), "SOURCE_DB_USER", db.settings().user(),
                "WRITER_HTTP_PORT", "0", "WRITER_OUTBOX_REMOVE_AFTER_INSERT", "false"))));
    }

    @AfterAll
    static void stop() {
        writer.close();
    }

    @AfterEach
    void nothingWasWrittenAndTheWriterStillServes() throws Exception {
        assertThat(Map.of("customers", db.count("customer"), "orders", db.count("purchase_order"),
                "lines", db.count("order_line"), "events", db.count("outbox")))
                .isEqualTo(Map.of("customers", 0L, "orders", 0L, "lines", 0L, "events", 0L));
        assertThat(send(request("GET", "/health").GET()).status()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyBeyondTheLimitIs413() throws Exception {
        // no Content-Length: the limit must hold while the body is read, not only from the header
        Response r = send(request("POST", "/customers").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> hugeCustomer(JsonBody.MAX_BODY_BYTES * 4))));

        assertError(r, 413, "body is larger than " + JsonBody.MAX_BODY_BYTES + " bytes");
    }

    @Test
    void aBodyWithAContentLengthBeyondTheLimitIs413() throws Exception {
        byte[] body = hugeCustomer(JsonBody.MAX_BODY_BYTES * 2).readAllBytes();

        assertError(send(request("POST", "/customers").POST(HttpRequest.BodyPublishers.ofByteArray(body))),
                413, "body is larger than");
    }

    @Test
    void deeplyNestedBodiesAre400() throws Exception {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);

        assertError(post("/customers", "{\"name\": " + deep + ", \"email\": \"a@example.com\"}"), 400, "nested");
        assertError(post("/orders", "{\"lines\": " + deep + "}"), 400, "nested");
        assertError(post("/customers", "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000)), 400, "nested");
    }

    @Test
    void aStringBeyondTheBoundIs400() throws Exception {
        String longName = "x".repeat(JsonBody.MAX_STRING_CHARS + 1);

        assertError(post("/customers", "{\"name\": \"" + longName + "\", \"email\": \"a@example.com\"}"), 400, "long");
        assertError(post("/customers", "{\"" + longName + "\": 1}"), 400, "long");
        assertError(post("/customers", "{\"name\": \"Ada\", \"email\": \"a@example.com\", \"x\": " + "9".repeat(5_000) + "}"),
                400, "long");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        for (String body : new String[] {"", " ", "null", "{", "}", "{\"name\": }", "{'name': 'Ada'}", "{name: \"Ada\"}",
                "{\"name\": \"Ada\", \"email\": \"a@example.com\",}", CUSTOMER + " trailing", CUSTOMER + CUSTOMER,
                "{\"name\": \"Ada\", \"name\": \"Eve\", \"email\": \"a@example.com\"}", "{\"name\": NaN}",
                "\"Ada\"", "42", "[]", "{\"name\": \"Ada\u0001\", \"email\": \"a@example.com\"}"}) {
            assertError(post("/customers", body), 400, "body");
        }
    }

    @Test
    void wrongTypesAndOddValuesAre400() throws Exception {
        String ada = "00000000-0000-0000-0000-000000000001";
        for (String body : new String[] {
                "{\"name\": [\"Ada\"], \"email\": \"a@example.com\"}",
                "{\"name\": {\"first\": \"Ada\"}, \"email\": \"a@example.com\"}",
                "{\"name\": true, \"email\": \"a@example.com\"}",
                "{\"name\": \"Ada\\u0000\", \"email\": \"a@example.com\"}",
                "{\"name\": \"\\ud800\", \"email\": \"a@example.com\"}",
                "{\"name\": \"\\u0007\\u001b[2J\", \"email\": \"a@example.com\"}",
                "{\"name\": \"   \", \"email\": \"a@example.com\"}"}) {
            assertError(post("/customers", body), 400, "name");
        }
        assertError(post("/customers", "{\"name\": \"Ada\", \"email\": \"a\\u0000@example.com\"}"), 400, "email");
        for (String body : new String[] {
                "{\"customerId\": 7, \"lines\": []}",
                "{\"customerId\": \"" + ada + "\", \"lines\": {\"sku\": \"A\"}}",
                "{\"customerId\": \"" + ada + "\", \"lines\": [\"A\"]}",
                "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1.5, \"unitPrice\": 1}]}",
                "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1e30, \"unitPrice\": 1}]}",
                "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 99999999999999999999, \"unitPrice\": 1}]}",
                "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1, \"unitPrice\": 1e999999999}]}",
                "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1, \"unitPrice\": 1e-999999999}]}",
                "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\", \"quantity\": 1, \"unitPrice\": \"1\"}]}",
                "{\"customerId\": \"" + ada + "\", \"lines\": [{\"sku\": \"A\\u0000\", \"quantity\": 1, \"unitPrice\": 1}]}"}) {
            Response r = post("/orders", body);
            assertThat(r.status()).as(body + " -> " + r.body()).isBetween(400, 404);
            assertThat(r.json().get("error").asText()).as(body).isNotBlank();
        }
        assertError(send(request("PUT", "/orders/" + ada).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"status\": 3, \"version\": 1}"))), 400, "status");
    }

    @Test
    void oddIdsInPathsAre4xx() throws Exception {
        // (a path beyond Jetty's 8 KiB request-line limit gets Jetty's own 414 before any route runs)
        for (String id : new String[] {"x", "%00", "%20", "..%2F..%2Fetc", "%C3%28", "%FF%FE", "'%20OR%201=1--",
                "0".repeat(2_000), "00000000-0000-0000-0000-00000000000g", "+0000000-0000-0000-0000-000000000000",
                "0-0-0-0-000000000000000000000000000000", "00000000000000000000000000000000",
                "%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90-0000-0000-0000-000000000000"}) {
            for (String method : new String[] {"GET", "PUT", "DELETE"}) {
                for (String collection : new String[] {"/customers/", "/orders/"}) {
                    HttpRequest.Builder b = request(method, collection + id + "?version=1")
                            .method(method, HttpRequest.BodyPublishers.ofString("{\"status\": \"PAID\", \"version\": 1}"));
                    Response r = send(b);
                    assertThat(r.status()).as(method + " " + collection + id + " -> " + r.body()).isBetween(400, 404);
                }
            }
        }
        assertError(send(request("DELETE", "/customers/00000000-0000-0000-0000-000000000001?version=1e3").DELETE()),
                400, "version");
        assertError(send(request("DELETE", "/customers/00000000-0000-0000-0000-000000000001?version=99999999999999999999")
                .DELETE()), 400, "version");
    }

    @Test
    void invalidUtf8Is400() throws Exception {
        byte[] prefix = "{\"name\": \"Ad".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\", \"email\": \"a@example.com\"}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : new byte[][] {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82}}) {
            byte[] body = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(bad, 0, body, prefix.length, bad.length);
            System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);

            assertError(send(request("POST", "/customers").POST(HttpRequest.BodyPublishers.ofByteArray(body))),
                    400, "body is not valid UTF-8");
        }
    }

    private static InputStream hugeCustomer(int bytes) {
        return new SequenceInputStream(new SequenceInputStream(
                new ByteArrayInputStream("{\"email\": \"a@example.com\", \"name\": \"".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayInputStream("a".repeat(bytes).getBytes(StandardCharsets.UTF_8))),
                new ByteArrayInputStream("\"}".getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertError(Response r, int status, String message) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).containsIgnoringCase(message);
    }

    private record Response(int status, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private static Response post(String path, String body) throws Exception {
        return send(request("POST", path).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpRequest.Builder request(String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + writer.port() + path))
                .header("Content-Type", "application/json");
    }

    private static Response send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }
}
