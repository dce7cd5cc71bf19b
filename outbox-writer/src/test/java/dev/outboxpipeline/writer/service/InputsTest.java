package dev.outboxpipeline.writer.service;

import dev.outboxpipeline.writer.domain.NewLine;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputsTest {

    @Test
    void textIsTrimmedAndMustNotBeBlankOrTooLong() {
        assertThat(Inputs.text("name", "  Ada ")).isEqualTo("Ada");
        assertThatThrownBy(() -> Inputs.text("name", null)).hasMessage("name is required");
        assertThatThrownBy(() -> Inputs.text("name", "x".repeat(Inputs.MAX_TEXT + 1))).hasMessageContaining("longer than");
    }

    @Test
    void emailsNeedOneAtWithSomethingOnBothSides() {
        assertThat(Inputs.email("email", "ada@example.com")).isEqualTo("ada@example.com");
        for (String bad : List.of("ada", "@example.com", "ada@", "a@b@c", "ada @example.com")) {
            assertThatThrownBy(() -> Inputs.email("email", bad)).as(bad).hasMessageStartingWith("email is not an email address");
        }
    }

    @Test
    void linesGetTwoDecimalsAndRefuseNegativeOrFinerPrices() {
        assertThat(Inputs.lines(List.of(new NewLine(" A ", 2, new BigDecimal("10.5")))))
                .containsExactly(new NewLine("A", 2, new BigDecimal("10.50")));
        assertThatThrownBy(() -> Inputs.lines(List.of(new NewLine("A", 1, new BigDecimal("-1")))))
                .hasMessageStartingWith("lines[0].unitPrice");
        assertThatThrownBy(() -> Inputs.lines(List.of(new NewLine("A", 1, new BigDecimal("1.005")))))
                .hasMessageStartingWith("lines[0].unitPrice");
        assertThatThrownBy(() -> Inputs.lines(List.of(new NewLine("A", 1, BigDecimal.ONE), new NewLine("", 1, BigDecimal.ONE))))
                .hasMessage("lines[1].sku must not be blank");
    }
}
