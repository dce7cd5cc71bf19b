package dev.outboxpipeline.relay;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SlotGuardTest {

    private static final DatabaseIdentity HERE = new DatabaseIdentity("7300000000000000001", 1, "shop", "outbox_relay");

    private static Optional<OffsetsTopic.Committed> offsetAt(long lsn, Optional<DatabaseIdentity> identity) {
        String value = "{\"lsn\":" + lsn + ",\"lsn_commit\":" + (lsn - 8) + ",\"txId\":5,\"ts_usec\":1}";
        return Optional.of(new OffsetsTopic.Committed("[\"outbox_relay\",{}]".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), identity, "t"));
    }

    private static Optional<SourceAdmin.SlotState> slot(long confirmed, String walStatus) {
        return Optional.of(new SourceAdmin.SlotState("shop", confirmed, walStatus, 0, 0));
    }

    @Test
    void streamsWhenSlotAndOffsetAgree() {
        assertThat(SlotGuard.refusal(offsetAt(1000, Optional.of(HERE)), slot(1000, "reserved"), HERE)).isEmpty();
        assertThat(SlotGuard.refusal(offsetAt(1000, Optional.of(HERE)), slot(900, "reserved"), HERE)).isEmpty();
        assertThat(SlotGuard.refusal(Optional.empty(), Optional.empty(), HERE)).as("first start").isEmpty();
    }

    @Test
    void refusesAMissingSlotWhenAnOffsetExists() {
        assertThat(SlotGuard.refusal(offsetAt(1000, Optional.of(HERE)), Optional.empty(), HERE))
                .hasValueSatisfying(r -> assertThat(r).contains("does not exist", SlotGuard.RESET));
    }

    @Test
    void refusesASlotPastTheOffset() {
        assertThat(SlotGuard.refusal(offsetAt(1000, Optional.of(HERE)), slot(2000, "reserved"), HERE))
                .hasValueSatisfying(r -> assertThat(r).contains("0/7D0", "past the committed offset at LSN 0/3E8"));
    }

    @Test
    void refusesALostSlotEvenWithoutAnOffset() {
        assertThat(SlotGuard.refusal(Optional.empty(), slot(1000, "lost"), HERE))
                .hasValueSatisfying(r -> assertThat(r).contains("wal_status=lost"));
    }

    @Test
    void refusesAnOffsetOfAnotherClusterOrTimeline() {
        DatabaseIdentity clone = new DatabaseIdentity(HERE.systemIdentifier(), 2, "shop", "outbox_relay");
        assertThat(SlotGuard.refusal(offsetAt(1000, Optional.of(clone)), slot(900, "reserved"), HERE))
                .hasValueSatisfying(r -> assertThat(r).contains("another database", "timeline 2"));
        DatabaseIdentity other = new DatabaseIdentity("7399999999999999999", 1, "shop", "outbox_relay");
        assertThat(SlotGuard.refusal(offsetAt(1000, Optional.of(other)), slot(900, "reserved"), HERE)).isPresent();
    }

    @Test
    void acceptsAnOffsetWithoutIdentityFromEarlierVersions() {
        assertThat(SlotGuard.refusal(offsetAt(1000, Optional.empty()), slot(1000, "reserved"), HERE)).isEmpty();
    }

    @Test
    void writesLsnsAsPostgresDoes() {
        assertThat(SlotGuard.lsn(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(SlotGuard.lsn((3L << 32) + 0x10L)).isEqualTo("3/10");
    }
}
