package dev.outboxpipeline.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcSettingsTest {

    @Test
    void readsUrlUserAndPasswordAndNeverShowsThePassword() {
        JdbcSettings s = JdbcSettings.fromEnv(Env.of(Map.of(
                "SOURCE_DB_URL", "jdbc:postgresql://db:5432/shop",
                "SOURCE_DB_USER", "app",
                "SOURCE_DB_PASSWORD", "hunter2")), JdbcSettings.SOURCE);

        assertThat(s.url()).isEqualTo("jdbc:postgresql://db:5432/shop");
        assertThat(s.password()).isEqualTo("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2").contains("****");
    }

    @Test
    void missingUrlNamesTheVariableAndAnExample() {
        assertThatThrownBy(() -> JdbcSettings.fromEnv(Env.of(Map.of()), JdbcSettings.SINK))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SINK_DB_URL is not set")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void aUrlThatIsNotPostgresJdbcIsRejectedWithoutShowingItsPassword() {
        assertThatThrownBy(() -> JdbcSettings.fromEnv(Env.of(Map.of(
                "SOURCE_DB_URL", "postgres://db/shop?password=hunter2",
                "SOURCE_DB_PASSWORD", "hunter2")), JdbcSettings.SOURCE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SOURCE_DB_URL=")
                .hasMessageContaining("jdbc:postgresql://HOST:PORT/DATABASE")
                .hasMessageNotContaining("hunter2");
    }
}
