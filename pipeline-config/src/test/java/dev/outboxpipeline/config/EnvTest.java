package dev.outboxpipeline.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvTest {

    @Test
    void parsesDurationsWithUnits() {
        Env env = Env.of(Map.of("A", "500ms", "B", "2m", "C", "PT3S", "Z", "0"));
        assertThat(env.duration("Z", Duration.ofSeconds(1))).isEqualTo(Duration.ZERO);
        assertThat(env.duration("A", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThat(env.duration("B", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(env.duration("C", Duration.ZERO)).isEqualTo(Duration.ofSeconds(3));
        assertThat(env.duration("D", Duration.ofSeconds(9))).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void rejectsNumbersOutOfRangeNamingTheVariable() {
        Env env = Env.of(Map.of("WRITER_HTTP_PORT", "70000", "X", "abc"));
        assertThatThrownBy(() -> env.intValue("WRITER_HTTP_PORT", 8080, 1, 65535))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WRITER_HTTP_PORT=70000");
        assertThatThrownBy(() -> env.intValue("X", 1, 1, 2))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a whole number");
    }

    @Test
    void remembersWhichVariablesWereReadIncludingPassedThroughPrefixes() {
        Env env = Env.of(Map.of("SOURCE_DB_URL", "jdbc:postgresql://h/db", "KAFKA_ACKS", "all", "UNUSED", "x"));
        env.optional("SOURCE_DB_URL");
        env.withPrefix("KAFKA_");

        assertThat(env.wasRead("SOURCE_DB_URL")).isTrue();
        assertThat(env.wasRead("KAFKA_ACKS")).isTrue();
        assertThat(env.wasRead("UNUSED")).isFalse();
    }
}
