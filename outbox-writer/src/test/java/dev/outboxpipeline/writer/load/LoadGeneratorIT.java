package dev.outboxpipeline.writer.load;

import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.outbox.OutboxRow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LoadGeneratorIT {

    @Test
    void reportsExactlyTheCommittedEventsWithVersionsIncreasingByOnePerAggregate() {
        TestDatabase db = TestDatabase.source("load_keep");
        List<OutboxRow> committed = Collections.synchronizedList(new ArrayList<>());

        LoadReport report = LoadGenerator.run(db.settings(), OutboxOptions.keepRows(),
                LoadSpec.of(400, 4).withKeys(12).withSeed(42), committed::addAll);

        assertThat(report.events()).isGreaterThanOrEqualTo(400).isEqualTo(committed.size());
        assertThat(report.transactions()).isPositive().isLessThanOrEqualTo(report.events());
        assertThat(report.operations().keySet()).contains("createCustomer", "renameCustomer", "placeOrder", "changeStatus");
        List<Map<String, Object>> table = db.rows("SELECT id, aggregateid, aggregate_version FROM outbox");
        assertThat(table.stream().map(r -> (UUID) r.get("id")))
                .containsExactlyInAnyOrderElementsOf(committed.stream().map(OutboxRow::id).toList());
        // per aggregate, the versions are 1, 2, ... n without gaps or repeats
        Map<Object, List<Long>> versions = table.stream().collect(Collectors.groupingBy(r -> r.get("aggregateid"),
                TreeMap::new, Collectors.mapping(r -> (Long) r.get("aggregate_version"), Collectors.toList())));
        versions.forEach((aggregate, vs) -> assertThat(vs).as("versions of %s", aggregate)
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, vs.size()).boxed().toList()));
    }

    @Test
    void withRemoveAfterInsertTheTableStaysEmptyAndTheListenerStillHearsEveryEvent() {
        TestDatabase db = TestDatabase.source("load_remove");
        List<OutboxRow> committed = Collections.synchronizedList(new ArrayList<>());

        LoadReport report = LoadGenerator.run(db.settings(), OutboxOptions.removingRows(),
                LoadSpec.of(100, 2).withKeys(5), committed::addAll);

        assertThat(committed).hasSize((int) report.events());
        assertThat(db.count("outbox")).isZero();
        assertThat(db.count("customer")).isPositive();
    }

    @Test
    void stopEndsARunningLoadWithAReportOfWhatCommitted() throws Exception {
        TestDatabase db = TestDatabase.source("load_stop");
        List<OutboxRow> committed = Collections.synchronizedList(new ArrayList<>());
        try (LoadGenerator load = LoadGenerator.open(db.settings(), OutboxOptions.keepRows(), 2, committed::addAll)) {
            CompletableFuture<LoadReport> running = CompletableFuture.supplyAsync(
                    () -> load.run(LoadSpec.of(Long.MAX_VALUE, 2).withKeys(10)));
            await().atMost(Duration.ofSeconds(120)).until(() -> committed.size() >= 50);

            load.stop();
            LoadReport report = running.get(120, TimeUnit.SECONDS);

            assertThat(report.events()).isGreaterThanOrEqualTo(50).isEqualTo(committed.size()).isEqualTo(db.count("outbox"));
        }
    }

    @Test
    void aRateLimitSpacesTheTransactions() {
        TestDatabase db = TestDatabase.source("load_rate");

        LoadReport report = LoadGenerator.run(db.settings(), OutboxOptions.removingRows(),
                LoadSpec.of(20, 2).withRate(40), rows -> { });

        // 20 or more transactions at 40 per second take at least about half a second
        assertThat(report.elapsed().toMillis()).isGreaterThanOrEqualTo((report.transactions() - 1) * 1000 / 40 - 50);
    }
}
