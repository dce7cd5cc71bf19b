package dev.outboxpipeline.verify;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class StoreVerifierIT {

    @Test
    void sinkThatMatchesTheSourceIsEqualDespiteJsonAndNumberFormatting() throws Exception {
        ShopStores stores = new ShopStores();

        VerifyReport report = new StoreVerifier(Store.source(stores.source), Store.sink(stores.sink))
                .verify(Duration.ZERO, line -> { });

        assertThat(report.equal()).as("%s", report).isTrue();
        assertThat(report.rowCount()).isEqualTo(6);
    }

    @Test
    void findsAPlantedMissingRowExtraRowAndChangedField() throws Exception {
        ShopStores stores = new ShopStores();
        UUID stray = UUID.randomUUID();
        ShopStores.execute(stores.sink,
                "DELETE FROM customer WHERE id = '" + stores.bob + "'",
                "INSERT INTO order_view VALUES ('" + stray + "', '" + stores.ada + "', 'NEW', 1, '[]', 1, 'Ada', 'ada@example.com', 3, now())",
                "UPDATE purchase_order SET status = 'SHIPPED' WHERE id = '" + stores.order1 + "'");

        VerifyReport report = new StoreVerifier(Store.source(stores.source), Store.sink(stores.sink))
                .verify(Duration.ZERO, line -> { });

        assertThat(report.equal()).isFalse();
        assertThat(report.differenceCount()).isEqualTo(3);
        List<Difference> found = new ArrayList<>();
        report.tables().forEach(t -> found.addAll(t.differences()));
        assertThat(found).extracting(Difference::kind, Difference::table, Difference::id).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Difference.Kind.MISSING, "customer", stores.bob.toString()),
                org.assertj.core.groups.Tuple.tuple(Difference.Kind.EXTRA, "order_view", stray.toString()),
                org.assertj.core.groups.Tuple.tuple(Difference.Kind.DIFFERENT, "purchase_order", stores.order1.toString()));
        assertThat(found).filteredOn(d -> d.kind() == Difference.Kind.DIFFERENT).singleElement()
                .satisfies(d -> assertThat(d.detail()).contains("status expected PLACED, found SHIPPED"));
    }

    @Test
    void comparesTwoSinksWithEachOther() throws Exception {
        ShopStores stores = new ShopStores();
        var other = stores.newSink("verify_other_" + System.nanoTime());
        stores.project(other);

        assertThat(new StoreVerifier(Store.sink(stores.sink), Store.sink(other)).verify(Duration.ZERO, l -> { }).equal())
                .isTrue();

        ShopStores.execute(other, "UPDATE order_view SET customer_name = 'Robert' WHERE id = '" + stores.order2 + "'");
        VerifyReport report = new StoreVerifier(Store.sink(stores.sink), Store.sink(other)).verify(Duration.ZERO, l -> { });
        assertThat(report.differenceCount()).isEqualTo(1);
    }

    @Test
    void waitsForASinkThatIsBehindToCatchUp() throws Exception {
        ShopStores stores = new ShopStores();
        ShopStores.execute(stores.sink, "UPDATE customer SET name = 'Ada L', version = 2 WHERE id = '" + stores.ada + "'");
        List<String> progress = new ArrayList<>();

        CompletableFuture<VerifyReport> running = CompletableFuture.supplyAsync(() ->
                new StoreVerifier(Store.source(stores.source), Store.sink(stores.sink)).verify(Duration.ofSeconds(60),
                        line -> { synchronized (progress) { progress.add(line); } }));
        Thread.sleep(1_500); // let the verifier find the stale row before the "projector" catches up
        ShopStores.execute(stores.sink, "UPDATE customer SET name = 'Ada', version = 3 WHERE id = '" + stores.ada + "'");

        VerifyReport report = running.get();
        assertThat(report.equal()).isTrue();
        assertThat(report.waited()).isTrue();
        synchronized (progress) {
            assertThat(progress).anySatisfy(line -> assertThat(line).contains("waiting for the sink to catch up"));
        }
    }

    @Test
    void reportsAStaleRowAsBehindWhenTheWaitRunsOut() throws Exception {
        ShopStores stores = new ShopStores();
        ShopStores.execute(stores.sink, "UPDATE customer SET version = 2 WHERE id = '" + stores.ada + "'");

        VerifyReport report = new StoreVerifier(Store.source(stores.source), Store.sink(stores.sink))
                .verify(Duration.ofSeconds(1), l -> { });

        assertThat(report.equal()).isFalse();
        assertThat(report.behindCount()).isEqualTo(1);
    }
}
