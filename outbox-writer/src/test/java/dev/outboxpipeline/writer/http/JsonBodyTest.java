package dev.outboxpipeline.writer.http;

import dev.outboxpipeline.writer.service.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonBodyTest {

    @Test
    void amountsStayExact() {
        JsonBody body = JsonBody.parse("{\"unitPrice\": 0.1, \"quantity\": 3}");

        assertThat(body.requiredDecimal("unitPrice")).isEqualTo(new BigDecimal("0.1"));
        assertThat(body.requiredInt("quantity")).isEqualTo(3);
    }

    @Test
    void problemsNameTheFieldWithItsPathInArrays() {
        JsonBody body = JsonBody.parse("{\"lines\": [{\"sku\": \"A\"}, {\"sku\": 5}], \"version\": 1.5, \"id\": \"x\"}");

        assertThatThrownBy(() -> body.requiredObjects("lines").get(1).requiredText("sku"))
                .isInstanceOf(InvalidInputException.class).hasMessage("lines[1].sku must be a string");
        assertThatThrownBy(() -> body.requiredObjects("lines").get(0).requiredInt("quantity"))
                .hasMessage("lines[0].quantity is required");
        assertThatThrownBy(() -> body.requiredLong("version")).hasMessage("version must be a whole number");
        assertThatThrownBy(() -> body.uuid("id")).hasMessage("id is not a UUID: x");
        assertThatThrownBy(() -> body.requiredText("name")).hasMessage("name is required");
    }

    @Test
    void aBodyThatIsNoJsonObjectIsRefused() {
        assertThatThrownBy(() -> JsonBody.parse("{")).hasMessageStartingWith("body is not valid JSON");
        assertThatThrownBy(() -> JsonBody.parse("")).hasMessage("body must be a JSON object");
        assertThatThrownBy(() -> JsonBody.parse("\"text\"")).hasMessage("body must be a JSON object");
    }
}
