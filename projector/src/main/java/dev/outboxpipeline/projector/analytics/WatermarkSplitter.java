package dev.outboxpipeline.projector.analytics;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/** After a repartition: keeps each input partition's newest watermark, passes the events on. */
final class WatermarkSplitter implements FixedKeyProcessor<String, Activity, Activity> {

    private final String storeName;
    private FixedKeyProcessorContext<String, Activity> context;
    private KeyValueStore<Integer, Long> watermarks;

    WatermarkSplitter(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Activity> context) {
        this.context = context;
        this.watermarks = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, Activity> record) {
        Activity a = record.value();
        if (!a.isWatermark()) {
            context.forward(record);
            return;
        }
        Long known = watermarks.get(a.partition());
        if (known == null || a.watermarkMs() > known) {
            watermarks.put(a.partition(), a.watermarkMs());
        }
    }

    /** The lowest watermark over partitions 0..n-1, or {@code Long.MIN_VALUE} while one is unheard of. */
    static long lowest(KeyValueStore<Integer, Long> watermarks, int partitions) {
        long lowest = Long.MAX_VALUE;
        for (int p = 0; p < partitions; p++) {
            Long w = watermarks.get(p);
            if (w == null) {
                return Long.MIN_VALUE;
            }
            lowest = Math.min(lowest, w);
        }
        return lowest;
    }
}
