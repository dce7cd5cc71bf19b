package dev.outboxpipeline.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.outbox.parcel.Parcel;
import dev.outboxpipeline.outbox.parcel.ParcelDatabase;
import dev.outboxpipeline.outbox.parcel.ParcelState;
import dev.outboxpipeline.outbox.parcel.Parcels;
import org.hibernate.Session;
import org.hibernate.Transaction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Message mode, read back through a logical slot with test_decoding: each event is a transactional message
 * inside the transaction of its change, in the documented content format, and an aborted change leaves none.
 */
class OutboxMessagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    // test_decoding: "message: transactional: 1 prefix: outbox, sz: 123 content:{...}"
    private static final Pattern MESSAGE = Pattern.compile("message: transactional: (\\d) prefix: ([^,]*), sz: \\d+ content:(.*)",
            Pattern.DOTALL);

    @Test
    void eachEventIsATransactionalMessageInTheTransactionOfItsChange() throws Exception {
        List<OutboxRow> heard = Collections.synchronizedList(new ArrayList<>());
        try (ParcelDatabase db = ParcelDatabase.create("outbox_messages"); Slot slot = Slot.create(db)) {
            Parcels parcels = new Parcels(db.sessions(), Outbox.of(JSON, OutboxOptions.messages(), heard::addAll));

            ParcelState registered = parcels.register("Rotterdam");
            parcels.ship(registered.id());

            assertThat(db.count("outbox")).as("message mode writes no row").isZero();
            List<String> changes = slot.peek();
            List<List<String>> transactions = transactions(changes);
            assertThat(transactions).hasSize(2);
            for (int i = 0; i < 2; i++) {
                List<String> tx = transactions.get(i);
                String change = "table public.parcel: " + (i == 0 ? "INSERT" : "UPDATE");
                assertThat(tx).as("the business row and its message in one transaction").anyMatch(c -> c.startsWith(change));
                assertThat(tx).noneMatch(c -> c.startsWith("table public.outbox"));
                List<String> messages = tx.stream().filter(c -> c.startsWith("message:")).toList();
                assertThat(messages).hasSize(1);
                Matcher m = MESSAGE.matcher(messages.get(0));
                assertThat(m.matches()).as(messages.get(0)).isTrue();
                assertThat(m.group(1)).as("transactional").isEqualTo("1");
                assertThat(m.group(2)).isEqualTo(OutboxMessages.PREFIX);

                JsonNode content = JSON.readTree(m.group(3));
                OutboxRow row = heard.get(i);
                assertThat(content.get("format").asInt()).isEqualTo(OutboxMessages.FORMAT);
                assertThat(content.get("id").asText()).isEqualTo(row.id().toString());
                assertThat(content.get("type").asText()).isEqualTo(i == 0 ? "ParcelRegistered" : "ParcelShipped");
                assertThat(content.get("aggregateType").asText()).isEqualTo("parcel");
                assertThat(content.get("aggregateId").asText()).isEqualTo(registered.id().toString());
                assertThat(content.get("aggregateVersion").asLong()).isEqualTo(i + 1);
                assertThat(content.get("payload").get("version").asLong()).isEqualTo(i + 1);
                assertThat(content.get("payload").get("status").asText()).isEqualTo(i == 0 ? "REGISTERED" : "SHIPPED");
                assertThat(content.has("traceparent")).as("no trace context was given").isFalse();
            }
        }
    }

    @Test
    void aDeletionIsAMessageWithANullPayload() throws Exception {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_messages_delete"); Slot slot = Slot.create(db)) {
            Outbox outbox = Outbox.of(JSON, OutboxOptions.messages());
            ParcelState registered = new Parcels(db.sessions(), outbox).register("Rotterdam");
            try (Session session = db.sessions().openSession()) {
                Transaction tx = session.beginTransaction();
                Parcel parcel = session.find(Parcel.class, registered.id());
                session.remove(parcel);
                outbox.record(session, AggregateEvent.deleted("ParcelDeleted", parcel));
                tx.commit();
            }

            List<String> messages = slot.peek().stream().filter(c -> c.startsWith("message:")).toList();
            Matcher m = MESSAGE.matcher(messages.get(messages.size() - 1));
            assertThat(m.matches()).isTrue();
            JsonNode content = JSON.readTree(m.group(3));
            assertThat(content.get("type").asText()).isEqualTo("ParcelDeleted");
            assertThat(content.get("aggregateVersion").asLong()).isEqualTo(2);
            assertThat(content.get("payload").isNull()).as("a tombstone").isTrue();
        }
    }

    @Test
    void aRolledBackOrFailedChangeLeavesNoMessage() {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_messages_abort"); Slot slot = Slot.create(db)) {
            Outbox outbox = Outbox.of(JSON, OutboxOptions.messages());
            try (Session session = db.sessions().openSession()) {
                Transaction tx = session.beginTransaction();
                Parcel parcel = new Parcel("Rotterdam");
                session.persist(parcel);
                outbox.record(session, AggregateEvent.changed("ParcelRegistered", parcel, parcel.state()));
                session.flush();
                tx.rollback();
            }
            // a deferred trigger fails the COMMIT itself, after the message was emitted
            db.execute("""
                    CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS
                      $$ BEGIN RAISE EXCEPTION 'injected failure at commit'; END $$;
                    CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT ON parcel
                      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit();
                    """);
            assertThatThrownBy(() -> new Parcels(db.sessions(), outbox).register("Rotterdam"))
                    .hasStackTraceContaining("injected failure at commit");

            assertThat(slot.peek()).noneMatch(c -> c.startsWith("message:") || c.startsWith("table public.parcel"));
            assertThat(db.count("parcel")).isZero();
        }
    }

    @Test
    void anOrdinaryRoleMayEmitMessagesWithoutReplicationRights() throws Exception {
        try (ParcelDatabase db = ParcelDatabase.create("outbox_messages_role"); Slot slot = Slot.create(db)) {
            String role = "outbox_app_" + ProcessHandle.current().pid();
            db.execute("CREATE ROLE " + role + " NOSUPERUSER NOREPLICATION");
            try (var c = db.connect(); var s = c.createStatement()) {
                s.execute("SET ROLE " + role);
                s.execute("SELECT pg_logical_emit_message(true, 'outbox', 'as an application role')");
            } finally {
                db.execute("DROP ROLE " + role);
            }

            assertThat(slot.peek()).anyMatch(c -> c.contains("as an application role"));
        }
    }

    /** The decoded changes grouped per transaction, BEGIN and COMMIT left out. */
    private static List<List<String>> transactions(List<String> changes) {
        List<List<String>> transactions = new ArrayList<>();
        List<String> current = null;
        for (String c : changes) {
            if (c.startsWith("BEGIN")) {
                current = new ArrayList<>();
            } else if (c.startsWith("COMMIT")) {
                transactions.add(current);
            } else {
                current.add(c);
            }
        }
        return transactions;
    }

    private record Slot(ParcelDatabase db, String name) implements AutoCloseable {

        static Slot create(ParcelDatabase db) {
            String name = "outbox_messages_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000;
            db.execute("SELECT pg_create_logical_replication_slot('" + name + "', 'test_decoding')");
            return new Slot(db, name);
        }

        List<String> peek() {
            return db.rows("SELECT data FROM pg_logical_slot_peek_changes('" + name + "', NULL, NULL)").stream()
                    .map(r -> (String) r.get("data")).toList();
        }

        @Override
        public void close() {
            db.execute("SELECT pg_drop_replication_slot('" + name + "')");
        }
    }
}
