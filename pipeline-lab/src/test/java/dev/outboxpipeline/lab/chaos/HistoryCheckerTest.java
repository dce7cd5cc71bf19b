package dev.outboxpipeline.lab.chaos;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryCheckerTest {

    private static final String C = "outbox.event.customer";

    private static CommittedEvent committed(String id, String key, long version, String type) {
        return new CommittedEvent(id, "customer", key, version, type);
    }

    private static ConsumedEvent read(long offset, String id, String key, long version, String type) {
        return new ConsumedEvent(C, 0, offset, key, id, type, version);
    }

    private static final List<CommittedEvent> COMMITTED = List.of(
            committed("e1", "k1", 1, "CustomerCreated"),
            committed("e2", "k1", 2, "CustomerUpdated"),
            committed("e3", "k2", 1, "CustomerCreated"));

    @Test
    void shouldPassACleanHistory() {
        HistoryReport r = HistoryChecker.check(COMMITTED, List.of(
                read(0, "e1", "k1", 1, "CustomerCreated"), read(1, "e3", "k2", 1, "CustomerCreated"),
                read(2, "e2", "k1", 2, "CustomerUpdated")), List.of());
        assertThat(r.clean()).as(r.toString()).isTrue();
    }

    @Test
    void shouldReportALostEvent() {
        HistoryReport r = HistoryChecker.check(COMMITTED, List.of(
                read(0, "e1", "k1", 1, "CustomerCreated"), read(1, "e2", "k1", 2, "CustomerUpdated")), List.of());
        assertThat(r.lostCount()).isEqualTo(1);
        assertThat(r.lost()).singleElement().asString().contains("e3");
        assertThat(r.clean()).isFalse();
    }

    @Test
    void shouldReportADuplicateEvenWhenItKeepsTheOrder() {
        HistoryReport r = HistoryChecker.check(COMMITTED, List.of(
                read(0, "e1", "k1", 1, "CustomerCreated"), read(1, "e3", "k2", 1, "CustomerCreated"),
                read(2, "e2", "k1", 2, "CustomerUpdated"), read(3, "e3", "k2", 1, "CustomerCreated")), List.of());
        assertThat(r.duplicatedCount()).isEqualTo(1);
        assertThat(r.duplicated()).containsExactly("e3 x2");
        // the repeated version is out of order too: only a snapshot may repeat a version
        assertThat(r.outOfOrderCount()).isEqualTo(1);
    }

    @Test
    void shouldReportVersionsOutOfOrderInTheLog() {
        HistoryReport r = HistoryChecker.check(COMMITTED, List.of(
                read(5, "e1", "k1", 1, "CustomerCreated"), read(4, "e2", "k1", 2, "CustomerUpdated"),
                read(6, "e3", "k2", 1, "CustomerCreated")), List.of());
        assertThat(r.outOfOrderCount()).isEqualTo(1);
        assertThat(r.outOfOrder()).singleElement().asString().contains("v1 @5 after CustomerUpdated v2 @4");
        assertThat(r.lostCount()).isZero();
    }

    @Test
    void shouldAllowASnapshotToRepeatTheVersionBeforeIt() {
        List<CommittedEvent> committed = List.of(committed("e1", "k1", 1, "CustomerCreated"),
                committed("s1", "k1", 1, "CustomerSnapshot"), committed("e2", "k1", 2, "CustomerUpdated"));
        HistoryReport r = HistoryChecker.check(committed, List.of(read(0, "e1", "k1", 1, "CustomerCreated"),
                read(1, "s1", "k1", 1, "CustomerSnapshot"), read(2, "e2", "k1", 2, "CustomerUpdated")), List.of());
        assertThat(r.clean()).as(r.toString()).isTrue();
    }

    @Test
    void shouldReportAnEventNobodyCommitted() {
        HistoryReport r = HistoryChecker.check(COMMITTED.subList(0, 1), List.of(read(0, "e1", "k1", 1, "CustomerCreated"),
                read(1, "ghost", "k9", 1, "CustomerCreated")), List.of());
        assertThat(r.unexpectedCount()).isEqualTo(1);
    }

    @Test
    void shouldReportASinkRowThatWentBackwards() {
        HistoryReport r = HistoryChecker.check(List.of(), List.of(), List.of(
                new AppliedChange(1, "customer", "k1", 1, false), new AppliedChange(2, "customer", "k1", 3, false),
                new AppliedChange(3, "customer", "k1", 3, false), // the same version again: idempotent, fine
                new AppliedChange(4, "customer", "k1", 2, false)));
        assertThat(r.regressedCount()).isEqualTo(1);
        assertThat(r.regressed()).containsExactly("customer k1: write v2 after write v3");
    }

    @Test
    void shouldReportADeletedRowThatCameBack() {
        HistoryReport r = HistoryChecker.check(List.of(), List.of(), List.of(
                new AppliedChange(1, "purchase_order", "o1", 1, false), new AppliedChange(2, "purchase_order", "o1", 2, true),
                new AppliedChange(3, "purchase_order", "o1", 2, false)));
        assertThat(r.regressed()).containsExactly("purchase_order o1: write v2 after delete v2");
    }

    @Test
    void shouldJudgeTheSinkInCommitOrderNotListOrder() {
        HistoryReport r = HistoryChecker.check(List.of(), List.of(), List.of(
                new AppliedChange(2, "customer", "k1", 2, false), new AppliedChange(1, "customer", "k1", 1, false)));
        assertThat(r.regressedCount()).isZero();
    }
}
