package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.Env;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import dev.outboxpipeline.projector.model.CustomerRow;
import dev.outboxpipeline.projector.topology.ReadModelTopology;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Properties;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The projector's queues are bounded in bytes to fit its default heap, and KAFKA_<PROPERTY> still tunes each bound. */
class MemoryBoundsTest {

    private static final Map<String, String> REQUIRED = Map.of(
            "SINK_DB_URL", "jdbc:postgresql://localhost:5432/readmodel",
            "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");

    @Test
    void streamsHandsTheBoundsToItsConsumersAndProducer() {
        StreamsConfig streams = new StreamsConfig(Projector.streamsConfig(ProjectorSettings.fromEnv(Env.of(REQUIRED)),
                new HostInfo("localhost", 8082)));

        Map<String, Object> main = streams.getMainConsumerConfigs("projector", "projector-1", 0);
        assertThat(main).containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MemoryBounds.FETCH_MAX_BYTES)
                .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MemoryBounds.PARTITION_FETCH_MAX_BYTES);
        assertThat(streams.getRestoreConsumerConfigs("projector-1-restore"))
                .containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MemoryBounds.FETCH_MAX_BYTES);
        assertThat(streams.getProducerConfigs("projector-1-producer"))
                .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, MemoryBounds.PRODUCER_BUFFER_BYTES);
        assertThat(streams.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo(MemoryBounds.STREAMS_CACHE_BYTES);
    }

    @Test
    void aKafkaVariableReplacesABound() {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.put("KAFKA_FETCH_MAX_BYTES", "4194304");
        env.put("KAFKA_STATESTORE_CACHE_MAX_BYTES", "0");
        StreamsConfig streams = new StreamsConfig(Projector.streamsConfig(ProjectorSettings.fromEnv(Env.of(env)),
                new HostInfo("localhost", 8082)));

        assertThat(streams.getMainConsumerConfigs("projector", "projector-1", 0))
                .containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "4194304");
        assertThat(streams.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isZero();

        Map<String, Object> sinkConsumer = new HashMap<>(ProjectorSettings.fromEnv(Env.of(env)).kafka().clientConfig());
        MemoryBounds.applyToConsumer(sinkConsumer);
        assertThat(sinkConsumer).containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "4194304")
                .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MemoryBounds.PARTITION_FETCH_MAX_BYTES);
    }

    @Test
    void theWorstCaseOfBothApplicationsAndBothSinkWritersFitsTheDefaultHeapWithRoomToSpare() {
        long perStreamsApplication = MemoryBounds.STREAMS_CACHE_BYTES + 2L * 2 * MemoryBounds.FETCH_MAX_BYTES
                + MemoryBounds.PRODUCER_BUFFER_BYTES;
        long perSinkWriter = 2L * MemoryBounds.FETCH_MAX_BYTES;
        long heap = 512L << 20; // default-heap.sh: projector

        assertThat(2 * perStreamsApplication + 2 * perSinkWriter).isLessThan(heap * 6 / 10);
    }

    @Test
    void everyRocksDbStoreSharesOneBoundedCache() {
        Properties config = Projector.streamsConfig(ProjectorSettings.fromEnv(Env.of(REQUIRED)), new HostInfo("localhost", 8082));
        assertThat(config.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDb.class);

        // the read model's persistent stores open and work with it
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-rocksdb");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Topics topics = Topics.withPrefix("");
        try (TopologyTestDriver driver = new TopologyTestDriver(ReadModelTopology.build(new StreamsBuilder(), topics), props)) {
            TestInputTopic<String, byte[]> customers = driver.createInputTopic(topics.customerEvents(), new StringSerializer(),
                    new ByteArraySerializer());
            String id = java.util.UUID.randomUUID().toString();
            customers.pipeInput(new TestRecord<>(id, Events.customer(id, "Ada", "ada@example.com", 1),
                    Events.headers("CustomerCreated", 1, 1), 1L));
            KeyValueStore<String, CustomerRow> store = driver.getKeyValueStore(ReadModelTopology.CUSTOMER_STORE);
            assertThat(store.get(id).name()).isEqualTo("Ada");
        }
    }

    @TempDir
    Path stateDir;
}
