package dev.outboxpipeline.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** What PostgreSQL 16 prints for {@code SELECT 'input'::jsonb}, checked by hand; the IT compares against the server. */
class JsonbTextTest {

    private static String jsonb(String json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            return JsonbText.of(p);
        }
    }

    @Test
    void sortsKeysByLengthThenBytesAndKeepsTheLastOfDuplicates() throws IOException {
        assertThat(jsonb("{\"version\":1,\"id\":\"a\",\"b\":2,\"aa\":3,\"b\":4}")).isEqualTo("{\"b\": 4, \"aa\": 3, \"id\": \"a\", \"version\": 1}");
    }

    @Test
    void printsNumbersPlainWithTheirScale() throws IOException {
        assertThat(jsonb("[31.50, 1e2, 1.5E1, 1.2e-5, -0, 10]")).isEqualTo("[31.50, 100, 15, 0.000012, 0, 10]");
    }

    @Test
    void escapesStringsAsEscapeJsonDoes() throws IOException {
        assertThat(jsonb("{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u00e9/\"}")).isEqualTo("{\"s\": \"a\\\"b\\\\c\\n\\u0001\u00e9/\"}");
    }

    @Test
    void keepsEmptyContainersAndLiterals() throws IOException {
        assertThat(jsonb("{\"a\":[],\"b\":{},\"c\":[true,false,null]}")).isEqualTo("{\"a\": [], \"b\": {}, \"c\": [true, false, null]}");
    }
}
