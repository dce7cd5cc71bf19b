package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnalyticsSettingsTest {

    @Test
    void defaultsAreOnWithTheIssuesWindows() {
        AnalyticsSettings s = AnalyticsSettings.fromEnv(Env.of(Map.of()));

        assertThat(s.enabled()).isTrue();
        assertThat(s.tumblingWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.hoppingWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.hoppingAdvance()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.sessionGap()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.grace()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void readsTheSwitchAndTheWindows() {
        AnalyticsSettings s = AnalyticsSettings.fromEnv(Env.of(Map.of("PROJECTOR_ANALYTICS", "false",
                "PROJECTOR_ANALYTICS_TUMBLING_WINDOW", "30s", "PROJECTOR_ANALYTICS_GRACE", "2s")));

        assertThat(s.enabled()).isFalse();
        assertThat(s.tumblingWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.grace()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aSwitchThatIsNeitherTrueNorFalseNamesTheSetting() {
        assertThatThrownBy(() -> AnalyticsSettings.fromEnv(Env.of(Map.of("PROJECTOR_ANALYTICS", "yes"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROJECTOR_ANALYTICS=false");
    }

    @Test
    void anAdvanceLongerThanTheWindowIsRefused() {
        assertThatThrownBy(() -> AnalyticsSettings.fromEnv(Env.of(Map.of("PROJECTOR_ANALYTICS_HOPPING_ADVANCE", "10m"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROJECTOR_ANALYTICS_HOPPING_WINDOW");
    }
}
