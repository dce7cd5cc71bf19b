package dev.outboxpipeline.writer.outbox;

import dev.outboxpipeline.writer.Shop;
import dev.outboxpipeline.writer.SourceDatabase;
import dev.outboxpipeline.writer.domain.Customer;
import dev.outboxpipeline.writer.domain.CustomerState;
import org.hibernate.Session;
import org.hibernate.Transaction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboxIT {

    @Test
    void recordingOutsideATransactionIsRefused() {
        try (Shop shop = Shop.open("outbox_no_tx", OutboxOptions.keepRows());
             Session session = shop.database().sessionFactory().openSession()) {
            Customer customer = Customer.create("Ada", "ada@example.com");

            assertThatThrownBy(() -> shop.outbox().record(session,
                    AggregateEvent.changed("CustomerCreated", customer, customer.state())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("begin one first");
            assertThat(shop.db().count("outbox")).isZero();
        }
    }

    @Test
    void aFailureBetweenTheBusinessWriteAndTheCommitLeavesNeitherRowNorEvent() {
        List<OutboxRow> heard = Collections.synchronizedList(new ArrayList<>());
        try (Shop shop = Shop.open(SourceDatabase.migrated("outbox_fail_before_commit"), OutboxOptions.keepRows(),
                heard::addAll); Session session = shop.database().sessionFactory().openSession()) {
            Transaction tx = session.beginTransaction();
            Customer customer = Customer.create("Ada", "ada@example.com");
            shop.outbox().record(session, AggregateEvent.changed("CustomerCreated", customer, customer.state()));
            session.persist(customer);
            session.flush();
            assertThat(shop.db().count("customer")).as("not visible before commit").isZero();

            tx.rollback(); // the caller failed after the business write, before committing

            assertThat(shop.db().count("customer")).isZero();
            assertThat(shop.db().count("outbox")).isZero();
            assertThat(heard).isEmpty();
            assertThat(shop.outbox().pendingTransactions()).isZero();
        }
    }

    @Test
    void aSessionClosedWithItsTransactionOpenWritesNothingAndLeavesNothingBehind() {
        try (Shop shop = Shop.open("outbox_abandoned", OutboxOptions.keepRows())) {
            Session session = shop.database().sessionFactory().openSession();
            session.beginTransaction();
            Customer customer = Customer.create("Ada", "ada@example.com");
            shop.outbox().record(session, AggregateEvent.changed("CustomerCreated", customer, customer.state()));
            session.persist(customer);

            session.close();

            assertThat(shop.db().count("customer")).isZero();
            assertThat(shop.db().count("outbox")).isZero();
            assertThat(shop.outbox().pendingTransactions()).isZero();
        }
    }

    @Test
    void aCommitThatFailsInTheDatabaseLeavesNeitherRowNorEvent() {
        SourceDatabase db = SourceDatabase.migrated("outbox_fail_at_commit");
        // a deferred constraint trigger fails the COMMIT itself, after both the business and outbox rows were written
        db.execute("""
                CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN RAISE EXCEPTION 'injected failure at commit'; END $$;
                CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT ON outbox
                  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit();
                """);
        List<OutboxRow> heard = Collections.synchronizedList(new ArrayList<>());
        try (Shop shop = Shop.open(db, OutboxOptions.keepRows(), heard::addAll)) {

            assertThatThrownBy(() -> shop.service().createCustomer("Ada", "ada@example.com"))
                    .hasStackTraceContaining("injected failure at commit");

            assertThat(db.count("customer")).isZero();
            assertThat(db.count("outbox")).isZero();
            assertThat(heard).isEmpty();
            assertThat(shop.outbox().pendingTransactions()).isZero();
        }
    }

    @Test
    void aFailingListenerDoesNotMakeACommittedChangeLookFailed() {
        try (Shop shop = Shop.open(SourceDatabase.migrated("outbox_listener_fails"), OutboxOptions.keepRows(), rows -> {
            throw new IllegalStateException("listener down");
        })) {
            CustomerState ada = shop.service().createCustomer("Ada", "ada@example.com");

            assertThat(shop.service().findCustomer(ada.id())).isPresent();
            assertThat(shop.db().count("outbox")).isEqualTo(1);
        }
    }

    @Test
    void anEventWhoseVersionIsNotTheFlushedOneFailsTheCommit() {
        try (Shop shop = Shop.open("outbox_wrong_version", OutboxOptions.keepRows())) {
            CustomerState ada = shop.service().createCustomer("Ada", "ada@example.com");
            try (Session session = shop.database().sessionFactory().openSession()) {
                Transaction tx = session.beginTransaction();
                Customer customer = session.find(Customer.class, ada.id());
                customer.change("Ada L.", "ada@example.com");
                // wrong: the state before the change (version 1), while the flush writes version 2
                shop.outbox().record(session, AggregateEvent.changed("CustomerUpdated", customer, customer.state()));

                assertThatThrownBy(tx::commit).hasStackTraceContaining("carries version 1 but the change flushed version 2");
                if (tx.isActive()) {
                    tx.rollback();
                }
            }
            assertThat(shop.db().rows("SELECT name, version FROM customer"))
                    .containsExactly(Map.of("name", "Ada", "version", 1L));
            assertThat(shop.db().count("outbox")).isEqualTo(1);
        }
    }

    @Test
    void removeAfterInsertLeavesTheTableEmptyWhileTheInsertReachesTheWal() {
        SourceDatabase db = SourceDatabase.migrated("outbox_remove_wal");
        String slot = "writer_peek_" + ProcessHandle.current().pid();
        db.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        List<OutboxRow> heard = Collections.synchronizedList(new ArrayList<>());
        try (Shop shop = Shop.open(db, OutboxOptions.removingRows(), heard::addAll)) {
            CustomerState ada = shop.service().createCustomer("Ada", "ada@example.com");
            shop.service().updateCustomer(ada.id(), "Ada L.", "ada@example.com", 1);

            List<String> changes = db.rows("SELECT data FROM pg_logical_slot_peek_changes('" + slot + "', NULL, NULL)")
                    .stream().map(r -> (String) r.get("data")).toList();

            assertThat(db.count("outbox")).isZero();
            assertThat(heard).hasSize(2);
            for (OutboxRow row : heard) {
                assertThat(changes).anySatisfy(c -> assertThat(c)
                        .startsWith("table public.outbox: INSERT:")
                        .contains("id[uuid]:'" + row.id() + "'")
                        .contains("type[text]:'" + row.type() + "'")
                        .contains("aggregate_version[bigint]:" + row.version()));
            }
            assertThat(changes).anySatisfy(c -> assertThat(c).contains("\"name\": \"Ada L.\"").contains("\"version\": 2"));
        } finally {
            db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    @Test
    void purgeRemovesOnlyRowsOlderThanTheRetention() throws Exception {
        try (Shop shop = Shop.open("outbox_purge", OutboxOptions.keepRows())) {
            CustomerState old1 = shop.service().createCustomer("Old One", "old1@example.com");
            CustomerState old2 = shop.service().createCustomer("Old Two", "old2@example.com");
            shop.db().execute("UPDATE outbox SET created_at = now() - interval '3 days'");
            CustomerState fresh = shop.service().createCustomer("Fresh", "fresh@example.com");

            long purged = OutboxTable.purge(shop.database().dataSource(), Duration.ofDays(2));

            assertThat(purged).isEqualTo(2);
            assertThat(shop.db().rows("SELECT aggregateid FROM outbox"))
                    .containsExactly(Map.of("aggregateid", fresh.id().toString()));
            assertThat(OutboxTable.purge(shop.database().dataSource(), Duration.ofDays(2))).isZero();
            assertThat(List.of(old1, old2)).allSatisfy(c ->
                    assertThat(shop.service().findCustomer(c.id())).as("business rows stay").isPresent());
        }
    }
}
