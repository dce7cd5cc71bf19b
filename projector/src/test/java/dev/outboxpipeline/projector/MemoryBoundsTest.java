package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.Env;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
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
}
