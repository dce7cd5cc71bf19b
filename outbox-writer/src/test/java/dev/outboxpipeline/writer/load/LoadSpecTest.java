package dev.outboxpipeline.writer.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadSpecTest {

    @Test
    void defaultsAreUnthrottledOverAThousandKeys() {
        LoadSpec spec = LoadSpec.of(100, 4);

        assertThat(spec.rate()).isZero();
        assertThat(spec.keys()).isEqualTo(LoadSpec.DEFAULT_KEYS);
        assertThat(spec.withRate(50).withKeys(7).withSeed(3)).isEqualTo(new LoadSpec(100, 4, 50, 7, 3));
    }

    @Test
    void nonsenseIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> LoadSpec.of(0, 1)).hasMessageStartingWith("events");
        assertThatThrownBy(() -> LoadSpec.of(1, 0)).hasMessageStartingWith("clients");
        assertThatThrownBy(() -> LoadSpec.of(1, 1).withRate(-1)).hasMessageStartingWith("rate");
        assertThatThrownBy(() -> LoadSpec.of(1, 1).withKeys(0)).hasMessageStartingWith("keys");
    }

    @Test
    void theReportGivesRatesAndASummary() {
        LoadReport report = new LoadReport(200, 250, 3, 1, 0, Duration.ofSeconds(2), Map.of("placeOrder", 200L));

        assertThat(report.transactionsPerSecond()).isEqualTo(100);
        assertThat(report.eventsPerSecond()).isEqualTo(125);
        assertThat(report.summary()).contains("200 transactions, 250 events in 2.0 s: 100 transactions/s")
                .contains("retries after 409 (stale version): 3").contains("placeOrder=200");
    }
}
