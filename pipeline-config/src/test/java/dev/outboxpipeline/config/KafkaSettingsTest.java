package dev.outboxpipeline.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSettingsTest {

    @Test
    void passesThroughClientPropertiesAndMasksSecretsWhenShown() {
        KafkaSettings s = KafkaSettings.fromEnv(Env.of(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"x\";",
                "SOURCE_DB_URL", "jdbc:postgresql://db/shop")));

        assertThat(s.clientConfig())
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsKey("sasl.jaas.config")
                .doesNotContainKey("source.db.url");
        assertThat(s.toString()).contains("sasl.jaas.config=****").doesNotContain("PlainLoginModule");
    }

    @Test
    void rejectsABootstrapListWithoutPorts() {
        assertThatThrownBy(() -> KafkaSettings.fromEnv(Env.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HOST:PORT");
    }
}
