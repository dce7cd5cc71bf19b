package dev.outboxpipeline.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.contract.TraceContext;
import dev.outboxpipeline.outbox.parcel.Parcel;
import dev.outboxpipeline.outbox.parcel.ParcelDatabase;
import dev.outboxpipeline.outbox.parcel.ParcelState;
import dev.outboxpipeline.outbox.parcel.Parcels;
import org.hibernate.Session;
import org.hibernate.Transaction;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The library on a service that is not the shop: a delivery service's parcels, on the library's own outbox DDL. */
class OutboxIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aChangeAndItsEventCommitTogetherWithTheStateAfterTheChange() throws Exception {
        List<OutboxRow> heard = Collections.synchronizedList(new ArrayList<>());
        try (ParcelDatabase db = ParcelDatabase.create("outbox_parcel")) {
            Parcels parcels = new Parcels(db.sessions(), Outbox.of(JSON, OutboxOptions.keepRows(), heard::addAll));

            ParcelState registered = parcels.register("Rotterdam");
            ParcelState shipped = parcels.ship(registered.id());

            assertThat(shipped.version()).isEqualTo(2);
            List<Map<String, Object>> rows = db.rows("SELECT id, aggregatetype, aggregateid, type, aggregate_version,"
                    + " payload::text AS payload FROM outbox ORDER BY aggregate_version");
            assertThat(rows).extracting(r -> r.get("type")).containsExactly("ParcelRegistered", "ParcelShipped");
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.get("aggregatetype")).isEqualTo("parcel");
                assertThat(r.get("aggregateid")).isEqualTo(registered.id().toString());
            });
            JsonNode payload = JSON.readTree((String) rows.get(1).get("payload"));
            assertThat(payload.get("status").asText()).isEqualTo("SHIPPED");
            assertThat(payload.get("version").asLong()).isEqualTo(2).isEqualTo(rows.get(1).get("aggregate_version"));
            assertThat(heard).extracting(r -> (Object) r.id()).containsExactly(rows.get(0).get("id"), rows.get(1).get("id"));
        }
    }

    @Test
    void eachEventStoresTheTraceContextOfItsWriteWhereDebeziumsOutboxDoes() throws Exception {
        TraceContext request = TraceContext.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "depot=rtm")
                .orElseThrow();
        AtomicReference<Optional<TraceContext>> current = new AtomicReference<>(Optional.of(request));
        try (ParcelDatabase db = ParcelDatabase.create("outbox_trace")) {
            Parcels parcels = new Parcels(db.sessions(),
                    Outbox.of(JSON, OutboxOptions.keepRows().withTraceContext(current::get)));

            ParcelState registered = parcels.register("Rotterdam");
            current.set(Optional.empty()); // a write without trace context, e.g. a batch job
            parcels.ship(registered.id());

            List<Map<String, Object>> rows = db.rows("SELECT tracingspancontext FROM outbox ORDER BY aggregate_version");
            assertThat(TraceContext.fromColumn((String) rows.get(0).get("tracingspancontext"))).contains(request);
            assertThat(rows.get(1).get("tracingspancontext")).isNull();
        }
    }

    @Test
    void recordingOutsideATransactionIsRefused() {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_no_tx"); Session session = db.sessions().openSession()) {
            Outbox outbox = Outbox.of(JSON, OutboxOptions.keepRows());
            Parcel parcel = persisted(session, "Rotterdam");

            assertThatThrownBy(() -> outbox.record(session, AggregateEvent.changed("ParcelRegistered", parcel, parcel.state())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("begin one first");
            assertThat(db.count("outbox")).isZero();
        }
    }

    @Test
    void aFailureBetweenTheBusinessWriteAndTheCommitLeavesNeitherRowNorEvent() {
        List<OutboxRow> heard = Collections.synchronizedList(new ArrayList<>());
        try (ParcelDatabase db = ParcelDatabase.create("outbox_fail_before_commit");
             Session session = db.sessions().openSession()) {
            Outbox outbox = Outbox.of(JSON, OutboxOptions.keepRows(), heard::addAll);
            Transaction tx = session.beginTransaction();
            Parcel parcel = new Parcel("Rotterdam");
            session.persist(parcel);
            outbox.record(session, AggregateEvent.changed("ParcelRegistered", parcel, parcel.state()));
            session.flush();
            assertThat(db.count("parcel")).as("not visible before commit").isZero();

            tx.rollback(); // the caller failed after the business write, before committing

            assertThat(db.count("parcel")).isZero();
            assertThat(db.count("outbox")).isZero();
            assertThat(heard).isEmpty();
            assertThat(outbox.pendingTransactions()).isZero();
        }
    }

    @Test
    void aSessionClosedWithItsTransactionOpenWritesNothingAndLeavesNothingBehind() {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_abandoned")) {
            Outbox outbox = Outbox.of(JSON, OutboxOptions.keepRows());
            Session session = db.sessions().openSession();
            session.beginTransaction();
            Parcel parcel = new Parcel("Rotterdam");
            session.persist(parcel);
            outbox.record(session, AggregateEvent.changed("ParcelRegistered", parcel, parcel.state()));

            session.close();

            assertThat(db.count("parcel")).isZero();
            assertThat(db.count("outbox")).isZero();
            assertThat(outbox.pendingTransactions()).isZero();
        }
    }

    @Test
    void aCommitThatFailsInTheDatabaseLeavesNeitherRowNorEvent() {
        List<OutboxRow> heard = Collections.synchronizedList(new ArrayList<>());
        try (ParcelDatabase db = ParcelDatabase.create("outbox_fail_at_commit")) {
            // a deferred constraint trigger fails the COMMIT itself, after both the business and outbox rows were written
            db.execute("""
                    CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS
                      $$ BEGIN RAISE EXCEPTION 'injected failure at commit'; END $$;
                    CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT ON outbox
                      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit();
                    """);
            Outbox outbox = Outbox.of(JSON, OutboxOptions.keepRows(), heard::addAll);

            assertThatThrownBy(() -> new Parcels(db.sessions(), outbox).register("Rotterdam"))
                    .hasStackTraceContaining("injected failure at commit");

            assertThat(db.count("parcel")).isZero();
            assertThat(db.count("outbox")).isZero();
            assertThat(heard).isEmpty();
            assertThat(outbox.pendingTransactions()).isZero();
        }
    }

    @Test
    void aFailingListenerDoesNotMakeACommittedChangeLookFailed() {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_listener_fails")) {
            Outbox outbox = Outbox.of(JSON, OutboxOptions.keepRows(), rows -> {
                throw new IllegalStateException("listener down");
            });

            new Parcels(db.sessions(), outbox).register("Rotterdam");

            assertThat(db.count("parcel")).isEqualTo(1);
            assertThat(db.count("outbox")).isEqualTo(1);
        }
    }

    @Test
    void anEventWhoseVersionIsNotTheFlushedOneFailsTheCommit() {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_wrong_version")) {
            Outbox outbox = Outbox.of(JSON, OutboxOptions.keepRows());
            ParcelState registered = new Parcels(db.sessions(), outbox).register("Rotterdam");
            try (Session session = db.sessions().openSession()) {
                Transaction tx = session.beginTransaction();
                Parcel parcel = session.find(Parcel.class, registered.id());
                parcel.ship();
                // wrong: the state before the change (version 1), while the flush writes version 2
                outbox.record(session, AggregateEvent.changed("ParcelShipped", parcel, parcel.state()));

                assertThatThrownBy(tx::commit).hasStackTraceContaining("carries version 1 but the change flushed version 2");
                if (tx.isActive()) {
                    tx.rollback();
                }
            }
            assertThat(db.rows("SELECT status, version FROM parcel"))
                    .containsExactly(Map.of("status", "REGISTERED", "version", 1L));
            assertThat(db.count("outbox")).isEqualTo(1);
        }
    }

    @Test
    void removeAfterInsertLeavesTheTableEmptyWhileTheInsertReachesTheWal() {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_remove_wal")) {
            String slot = "outbox_peek_" + ProcessHandle.current().pid();
            db.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
            List<OutboxRow> heard = Collections.synchronizedList(new ArrayList<>());
            try {
                Parcels parcels = new Parcels(db.sessions(), Outbox.of(JSON, OutboxOptions.removingRows(), heard::addAll));
                parcels.ship(parcels.register("Rotterdam").id());

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
                assertThat(changes).anySatisfy(c -> assertThat(c).contains("\"status\": \"SHIPPED\"").contains("\"version\": 2"));
            } finally {
                db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
            }
        }
    }

    @Test
    void purgeRemovesOnlyRowsOlderThanTheRetention() throws Exception {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_purge"); Connection c = db.connect()) {
            Parcels parcels = new Parcels(db.sessions(), Outbox.of(JSON, OutboxOptions.keepRows()));
            parcels.register("Old One");
            parcels.register("Old Two");
            db.execute("UPDATE outbox SET created_at = now() - interval '3 days'");
            ParcelState fresh = parcels.register("Fresh");

            long purged = OutboxTable.purge(c, Duration.ofDays(2));

            assertThat(purged).isEqualTo(2);
            assertThat(db.rows("SELECT aggregateid FROM outbox")).containsExactly(Map.of("aggregateid", fresh.id().toString()));
            assertThat(OutboxTable.purge(c, Duration.ofDays(2))).isZero();
            assertThat(db.count("parcel")).as("business rows stay").isEqualTo(3);
        }
    }

    private static Parcel persisted(Session session, String destination) {
        Transaction tx = session.beginTransaction();
        Parcel parcel = new Parcel(destination);
        session.persist(parcel);
        tx.commit();
        return parcel;
    }
}
