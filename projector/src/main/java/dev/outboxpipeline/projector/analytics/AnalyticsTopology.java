package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.projector.model.JsonSerde;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Analytics on write as a Kafka Streams topology over event time ({@code source-ts-ms}):
 * revenue and orders per customer in tumbling windows, orders over the shop in hopping windows, and
 * each customer's activity sessions. Each window's running value goes to its {@code readmodel.*}
 * topic as it changes, and once more marked final when every input partition has passed its close.
 * Late events (more than the grace behind their partition) go to {@code analytics.late} instead.
 * Every stateful operator is named.
 */
public final class AnalyticsTopology {

    public static final String REVENUE_STORE = "analytics-revenue-store";
    public static final String MOVING_STORE = "analytics-moving-store";
    public static final String SESSION_STORE = "analytics-session-store";
    static final String GATE_STORE = "analytics-gate-watermark";
    static final String CUSTOMER_WATERMARKS = "analytics-customer-watermarks";
    static final String SHOP_WATERMARKS = "analytics-shop-watermarks";
    static final String SHOP_KEY = "shop";

    /**
     * Lateness is decided before the repartitions (see {@link LatenessGate}), so the windows after them
     * must accept whatever the gate let through, however unevenly the partitions drain: their own grace
     * only bounds how far apart partitions may be while catching up, and how long windows are kept.
     */
    static final Duration CATCH_UP_ALLOWANCE = Duration.ofDays(1);

    static final Serde<Activity> ACTIVITIES = JsonSerde.of(Activity.class);
    static final Serde<Revenue> REVENUES = JsonSerde.of(Revenue.class);
    public static final Serde<RevenueRow> REVENUE_ROWS = JsonSerde.of(RevenueRow.class);
    public static final Serde<MovingRow> MOVING_ROWS = JsonSerde.of(MovingRow.class);
    public static final Serde<SessionRow> SESSION_ROWS = JsonSerde.of(SessionRow.class);

    private AnalyticsTopology() {
    }

    /**
     * {@code inputPartitions} is the number of tasks reading the event topics (their largest partition
     * count): a window is final once that many partitions' watermarks have passed it. {@code onLate}
     * hears of each late event; {@code inputCaughtUp} says whether the consumer has no lag on the event
     * topics, which lets an idle partition advance its watermark with the wall clock.
     */
    public static Topology build(StreamsBuilder builder, AnalyticsTopics topics, AnalyticsSettings settings,
                                 int inputPartitions, Runnable onLate, BooleanSupplier inputCaughtUp) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GATE_STORE),
                Serdes.String(), Serdes.Long()));
        KStream<String, Activity> customers = builder.stream(topics.customerEvents(), consumed("analytics-customer-events"))
                .processValues(() -> parse((key, r) -> ActivityParser.customer(r.key(), r.value())), Named.as("analytics-customer-activity"));
        KStream<String, Activity> orders = builder.stream(topics.orderEvents(), consumed("analytics-order-events"))
                .processValues(() -> parse((key, r) -> ActivityParser.order(r.value(), r.headers())), Named.as("analytics-order-activity"));
        KStream<String, Activity> gated = customers.merge(orders, Named.as("analytics-activity"))
                .process(() -> new LatenessGate(GATE_STORE, settings.grace(), onLate, inputCaughtUp), Named.as("analytics-lateness-gate"), GATE_STORE);
        gated.filter((k, a) -> a.isLate(), Named.as("analytics-late"))
                .to(topics.late(), Produced.with(Serdes.String(), ACTIVITIES).withName("analytics-late-events"));
        KStream<String, Activity> onTime = gated.filterNot((k, a) -> a.isLate(), Named.as("analytics-on-time"));

        KStream<String, Activity> byCustomer = afterRepartition(builder, onTime, "analytics-by-customer", CUSTOMER_WATERMARKS);
        revenue(byCustomer, topics, settings, inputPartitions);
        sessions(byCustomer, topics, settings, inputPartitions);

        KStream<String, Activity> shop = afterRepartition(builder,
                onTime.filter((k, a) -> a.isWatermark() || a.isPlacement(), Named.as("analytics-placements"))
                        .selectKey((k, a) -> a.isWatermark() ? k : SHOP_KEY, Named.as("analytics-shop-key")),
                "analytics-shop", SHOP_WATERMARKS);
        moving(shop, topics, settings, inputPartitions);
        return builder.build();
    }

    private static void revenue(KStream<String, Activity> byCustomer, AnalyticsTopics topics, AnalyticsSettings s, int partitions) {
        byCustomer.filter((k, a) -> a.isPlacement(), Named.as("analytics-revenue-placements"))
                .groupByKey(Grouped.with("analytics-revenue-by-customer", Serdes.String(), ACTIVITIES))
                .windowedBy(TimeWindows.ofSizeAndGrace(s.tumblingWindow(), CATCH_UP_ALLOWANCE))
                .aggregate(() -> Revenue.NONE, (k, a, r) -> r.add(a.placedTotal()), Named.as("analytics-revenue"),
                        Materialized.<String, Revenue, WindowStore<Bytes, byte[]>>as(REVENUE_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(REVENUES).withCachingDisabled())
                .toStream(Named.as("analytics-revenue-changes"))
                .process(finaliser("analytics-revenue-pending", REVENUE_ROWS, CUSTOMER_WATERMARKS, partitions, s.grace(),
                                w -> w.key() + "@" + w.window().start(),
                                (w, r) -> new RevenueRow(w.key(), w.window().start(), w.window().end(), r.orders(), r.revenue(), false)),
                        Named.as("analytics-revenue-finaliser"), CUSTOMER_WATERMARKS)
                .to(topics.revenueRows(), Produced.with(Serdes.String(), REVENUE_ROWS).withName("analytics-revenue-rows"));
    }

    private static void sessions(KStream<String, Activity> byCustomer, AnalyticsTopics topics, AnalyticsSettings s, int partitions) {
        long gap = s.sessionGap().toMillis();
        byCustomer.groupByKey(Grouped.with("analytics-session-by-customer", Serdes.String(), ACTIVITIES))
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(s.sessionGap(), CATCH_UP_ALLOWANCE))
                .aggregate(() -> 0L, (k, a, n) -> n + 1, (k, left, right) -> left + right, Named.as("analytics-session"),
                        Materialized.<String, Long, SessionStore<Bytes, byte[]>>as(SESSION_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()).withCachingDisabled())
                .toStream(Named.as("analytics-session-changes"))
                .process(finaliser("analytics-session-pending", SESSION_ROWS, CUSTOMER_WATERMARKS, partitions, s.grace(),
                                w -> w.key() + "@" + w.window().start() + "@" + w.window().end(),
                                (w, n) -> new SessionRow(w.key(), w.window().start(), w.window().end(), n, false, gap)),
                        Named.as("analytics-session-finaliser"), CUSTOMER_WATERMARKS)
                .to(topics.sessionRows(), Produced.with(Serdes.String(), SESSION_ROWS).withName("analytics-session-rows"));
    }

    private static void moving(KStream<String, Activity> shop, AnalyticsTopics topics, AnalyticsSettings s, int partitions) {
        shop.groupByKey(Grouped.with("analytics-moving-shop", Serdes.String(), ACTIVITIES))
                .windowedBy(TimeWindows.ofSizeAndGrace(s.hoppingWindow(), CATCH_UP_ALLOWANCE).advanceBy(s.hoppingAdvance()))
                .count(Named.as("analytics-moving"), Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(MOVING_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()).withCachingDisabled())
                .toStream(Named.as("analytics-moving-changes"))
                .process(finaliser("analytics-moving-pending", MOVING_ROWS, SHOP_WATERMARKS, partitions, s.grace(),
                                w -> String.valueOf(w.window().start()),
                                (w, n) -> new MovingRow(w.window().start(), w.window().end(), n, false)),
                        Named.as("analytics-moving-finaliser"), SHOP_WATERMARKS)
                .to(topics.movingRows(), Produced.with(Serdes.String(), MOVING_ROWS).withName("analytics-moving-rows"));
    }

    private static KStream<String, Activity> afterRepartition(StreamsBuilder builder, KStream<String, Activity> stream,
                                                              String name, String watermarkStore) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(watermarkStore),
                Serdes.Integer(), Serdes.Long()));
        return stream.repartition(Repartitioned.<String, Activity>as(name).withKeySerde(Serdes.String())
                        .withValueSerde(ACTIVITIES).withStreamPartitioner(new WatermarksToAll()))
                .processValues(() -> new WatermarkSplitter(watermarkStore), Named.as(name + "-watermarks"), watermarkStore);
    }

    private static <V, R extends WindowRow<R>> ProcessorSupplier<Windowed<String>, V, String, R>
    finaliser(String pendingStore, Serde<R> rows, String watermarkStore, int partitions, Duration grace,
              Function<Windowed<String>, String> id, BiFunction<Windowed<String>, V, R> running) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<Windowed<String>, V, String, R> get() {
                return new Finaliser<>(pendingStore, watermarkStore, partitions, grace, id, running);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(pendingStore),
                        Serdes.String(), rows));
            }
        };
    }

    private static Consumed<String, byte[]> consumed(String name) {
        return Consumed.with(Serdes.String(), Serdes.ByteArray()).withTimestampExtractor(new SourceTimestamp()).withName(name);
    }

    private interface Parse {
        Activity of(String key, FixedKeyRecord<String, byte[]> record);
    }

    /** Parses an event, or drops it when it is not one the analytics can read. */
    private static FixedKeyProcessor<String, byte[], Activity> parse(Parse parse) {
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, Activity> context;

            @Override
            public void init(FixedKeyProcessorContext<String, Activity> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<String, byte[]> record) {
                Activity a = parse.of(record.key(), record);
                if (a != null) {
                    context.forward(record.withValue(a));
                }
            }
        };
    }
}
