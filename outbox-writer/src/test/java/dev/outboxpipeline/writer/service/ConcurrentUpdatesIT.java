package dev.outboxpipeline.writer.service;

import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.Shop;
import dev.outboxpipeline.writer.domain.CustomerState;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConcurrentUpdatesIT {

    @Test
    void twoConcurrentUpdatesOfOneAggregateCannotBothCommit() throws Exception {
        try (Shop shop = Shop.open("concurrent_updates", OutboxOptions.keepRows());
             Connection blocker = shop.db().connect()) {
            CustomerState c = shop.service().createCustomer("Ada", "ada@example.com");
            // hold the row so both updates read version 1 and then queue behind the lock
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("SELECT * FROM customer WHERE id = '" + c.id() + "' FOR UPDATE");
            }
            CompletableFuture<CustomerState> first = CompletableFuture.supplyAsync(
                    () -> shop.service().updateCustomer(c.id(), "Ada First", "ada@example.com", 1));
            CompletableFuture<CustomerState> second = CompletableFuture.supplyAsync(
                    () -> shop.service().updateCustomer(c.id(), "Ada Second", "ada@example.com", 1));
            await().atMost(Duration.ofSeconds(60)).until(() -> shop.db().count(
                    "pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 2);

            blocker.rollback();

            List<Object> outcomes = List.of(outcome(first), outcome(second));
            assertThat(outcomes).filteredOn(o -> o instanceof CustomerState).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o instanceof ConflictException).hasSize(1);
            CustomerState winner = (CustomerState) outcomes.stream().filter(o -> o instanceof CustomerState).findFirst().get();
            assertThat(shop.service().findCustomer(c.id())).contains(winner);
            assertThat(winner.version()).isEqualTo(2);
            assertThat(shop.db().rows("SELECT payload->>'name' AS name FROM outbox WHERE type = 'CustomerUpdated'"))
                    .extracting(r -> r.get("name")).containsExactly(winner.name());
        }
    }

    private static Object outcome(CompletableFuture<CustomerState> f) throws InterruptedException {
        try {
            return f.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the update did not finish", e);
        }
    }
}
