package dev.outboxpipeline.relay;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;

/**
 * {@code relay reset --accept-gap}: the explicit decision to stream on although events may be lost (a dropped,
 * lost or recreated slot; another database). In one Kafka transaction on the slot's offsets topic it writes the
 * decision under {@code accepted-gap:<time>} (what was refused, the old offset and database, where the relay
 * resumes) and deletes the committed offset, so the relay resumes from the slot. A lost slot is dropped, so
 * that the relay creates a new one.
 */
public final class GapReset {

    /** Nothing to reset. */
    public static final int NO_GAP = 1;

    private GapReset() {
    }

    /** Returns 0 when the decision was recorded, {@link #NO_GAP} when there was nothing to accept or a relay streams. */
    public static int acceptGap(RelaySettings settings, PrintWriter out) throws InterruptedException {
        SourceAdmin source = new SourceAdmin(settings.source(), settings.slotName());
        try (RelayTopicSetup topics = new RelayTopicSetup(Admin.create(settings.kafka().clientConfig()), settings)) {
            OptionalInt holder = source.slotHolder();
            if (holder.isPresent()) {
                out.printf("a relay streams from slot %s now (server pid %d): there is no gap to accept; stop it first "
                        + "if you mean to reset%n", settings.slotName(), holder.getAsInt());
                return NO_GAP;
            }
            topics.prepare();
            OffsetsTopic offsets = new OffsetsTopic(settings.slotOffsetsTopic(), settings.offsetsTopic(), settings.slotName());
            Map<String, Object> producerConfig = Relay.producerConfig(settings, Duration.ofMinutes(1));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
                producer.initTransactions(); // fences a relay of this slot, so nothing commits behind the decision
                Optional<OffsetsTopic.Committed> committed = offsets.readLast(settings.kafka().clientConfig());
                DatabaseIdentity identity = source.identity();
                Optional<SourceAdmin.SlotState> slot = source.slot();
                Optional<String> refusal = SlotGuard.refusal(committed, slot, identity);
                if (refusal.isEmpty()) {
                    out.printf("slot %s: the relay does not refuse to stream; nothing recorded%n", settings.slotName());
                    return NO_GAP;
                }
                if (slot.isPresent() && !slot.get().database().equals(identity.database())) {
                    out.println(refusal.get());
                    out.println("reset cannot fix this one: nothing recorded");
                    return NO_GAP;
                }
                boolean dropped = false;
                if (slot.isPresent() && "lost".equals(slot.get().walStatus())) {
                    source.dropSlot();
                    dropped = true;
                }
                boolean slotKept = slot.isPresent() && !dropped;
                long resumeLsn = slotKept ? slot.get().confirmedFlushLsn() : source.currentWalLsn();
                String resumes = slotKept
                        ? "from the slot's confirmed_flush_lsn " + SlotGuard.lsn(resumeLsn)
                        : "from a new slot, created when the relay starts, at about the current WAL position " + SlotGuard.lsn(resumeLsn);

                Instant at = Instant.now();
                Map<String, Object> decision = new LinkedHashMap<>();
                decision.put("acceptedAt", at.toString());
                decision.put("slot", settings.slotName());
                decision.put("refused", refusal.get());
                decision.put("previousOffset", committed.map(OffsetsTopic.Committed::describe).orElse(null));
                decision.put("previousDatabase", committed.flatMap(OffsetsTopic.Committed::identity)
                        .map(DatabaseIdentity::describe).orElse(null));
                decision.put("database", identity.describe());
                decision.put("slotDropped", dropped);
                decision.put("resumes", resumes);
                producer.beginTransaction();
                var sent = producer.send(offsets.decision(at, json(decision)));
                committed.ifPresent(c -> producer.send(offsets.tombstone(c.key())));
                producer.commitTransaction();
                RecordMetadata where = sent.get();
                out.printf("recorded the decision in topic %s, partition %d, offset %d (key %s%s)%n", where.topic(),
                        where.partition(), where.offset(), OffsetsTopic.DECISION_KEY_PREFIX, at);
                if (dropped) {
                    out.printf("dropped the lost slot %s%n", settings.slotName());
                }
                out.printf("the relay resumes %s; outbox events committed in the gap are not relayed: re-publish the "
                        + "aggregates' current state (./pipeline snapshot) to heal the read model%n", resumes);
                return 0;
            } catch (ExecutionException e) {
                throw new IllegalStateException("recording the decision failed: " + e.getCause(), e.getCause());
            }
        } finally {
            source.close();
        }
    }

    private static String json(Map<String, Object> m) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
        return new String(c.fromConnectData("", null, m), StandardCharsets.UTF_8);
    }
}
