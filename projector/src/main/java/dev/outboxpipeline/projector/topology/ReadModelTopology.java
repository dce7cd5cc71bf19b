package dev.outboxpipeline.projector.topology;

import dev.outboxpipeline.projector.model.CustomerRow;
import dev.outboxpipeline.projector.model.JsonSerde;
import dev.outboxpipeline.projector.model.Order;
import dev.outboxpipeline.projector.model.OrderView;
import dev.outboxpipeline.projector.model.Row;
import dev.outboxpipeline.projector.sink.DeletionMarkers;
import dev.outboxpipeline.projector.sink.ReadModelFormat;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;

/**
 * The read model as a Kafka Streams topology: each event topic becomes a table of the latest row per
 * aggregate (deletions kept as markers with their version), orders are joined to their customer by
 * foreign key, and every table's changes go to its compacted {@code readmodel.<table>} topic.
 * Every stateful operator is named, so the topology can change without losing state.
 */
public final class ReadModelTopology {

    public static final String CUSTOMER_STORE = "customer-store";
    public static final String ORDER_STORE = "order-store";
    public static final String ORDER_VIEW_STORE = "order-view-store";

    public static final Serde<CustomerRow> CUSTOMERS = JsonSerde.of(CustomerRow.class);
    public static final Serde<Order> ORDERS = JsonSerde.of(Order.class);
    public static final Serde<OrderView> ORDER_VIEWS = JsonSerde.of(OrderView.class);

    private ReadModelTopology() {
    }

    public static Topology build(StreamsBuilder builder, Topics topics) {
        return build(builder, topics, DeletionMarkers.DEFAULT_RETENTION);
    }

    /** {@code markerRetention}: how long the stores keep a deletion marker (see {@link PruneMarkers}). */
    public static Topology build(StreamsBuilder builder, Topics topics, Duration markerRetention) {
        KTable<String, CustomerRow> customers = latest(builder, topics.customerEvents(), topics.deadLetters(),
                "customer", EventParser::customer, CUSTOMERS, CUSTOMER_STORE, markerRetention);
        KTable<String, Order> orders = latest(builder, topics.orderEvents(), topics.deadLetters(),
                "order", EventParser::order, ORDERS, ORDER_STORE, markerRetention);

        // A deleted order has no foreign key: the join then drops its subscription to the customer and
        // emits the order's deletion marker once, instead of following the customer's changes forever.
        KTable<String, OrderView> views = orders.leftJoin(customers,
                order -> order.deleted() ? null : order.customerId(),
                OrderView::of,
                TableJoined.as("order-customer-join"),
                Materialized.<String, OrderView, KeyValueStore<Bytes, byte[]>>as(ORDER_VIEW_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(ORDER_VIEWS));

        views.toStream(Named.as("order-view-stream"))
                .process(() -> new PruneMarkers<OrderView, OrderView>(ORDER_VIEW_STORE, markerRetention),
                        Named.as("order-view-prune-markers"), ORDER_VIEW_STORE);

        changes(customers, "customer", topics.customerRows(), CUSTOMERS);
        changes(orders, "purchase-order", topics.purchaseOrderRows(), ORDERS);
        changes(views, "order-view", topics.orderViewRows(), ORDER_VIEWS);
        return builder.build();
    }

    /** Keeps the newer of two rows, so a replayed older event never replaces a newer state. */
    static <R extends Row> R newer(R current, R next) {
        return next.version() >= current.version() ? next : current;
    }

    private static <R extends Row> KTable<String, R> latest(StreamsBuilder builder, String eventTopic, String deadLetters,
                                                            String name, EventParser.Of<R> parser, Serde<R> serde,
                                                            String store, Duration markerRetention) {
        KStream<String, Parsed<R>> parsed = builder
                .stream(eventTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-events"))
                .processValues(() -> new ValidateEvent<>(parser), Named.as(name + "-validate"));
        parsed.filter((id, p) -> p.isPoison(), Named.as(name + "-poison"))
                .mapValues(Parsed::raw, Named.as(name + "-poison-payload"))
                .to(deadLetters, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-dead-letters"));
        KTable<String, R> table = parsed.filterNot((id, p) -> p.isPoison(), Named.as(name + "-valid"))
                .mapValues(Parsed::row, Named.as(name + "-row"))
                .groupByKey(Grouped.with(name + "-by-id", Serdes.String(), serde))
                .reduce(ReadModelTopology::newer, Named.as(name + "-latest"),
                        Materialized.<String, R, KeyValueStore<Bytes, byte[]>>as(store)
                                .withKeySerde(Serdes.String()).withValueSerde(serde));
        // after the table, so that its store exists when this processor is connected to it
        parsed.process(() -> new PruneMarkers<Parsed<R>, R>(store, markerRetention), Named.as(name + "-prune-markers"),
                store);
        return table;
    }

    private static <R extends Row> void changes(KTable<String, R> table, String name, String topic, Serde<R> serde) {
        table.toStream(Named.as(name + "-changes"))
                .processValues(ReadModelFormat::<R>encoder, Named.as(name + "-change-headers"))
                .to(topic, Produced.with(Serdes.String(), serde).withName(name + "-rows"));
    }
}
