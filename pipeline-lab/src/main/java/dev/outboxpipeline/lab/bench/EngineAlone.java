package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.relay.Relay;
import dev.outboxpipeline.relay.RelaySettings;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.spi.OffsetCommitPolicy;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debezium's embedded engine alone, configured as the relay configures it ({@link Relay#engineProperties}), with a
 * consumer that does nothing: the ceiling the relay is measured against. Run as a JVM of its own by
 * {@code bench relay}; it prints one {@link #RESULT} line once {@code args[0]} outbox events have arrived, and exits.
 * It marks nothing processed, so the slot keeps the backlog for the relay that drains it next.
 */
public final class EngineAlone {

    static final String RESULT = "engine-alone:";

    private EngineAlone() {
    }

    public static void main(String[] args) throws Exception {
        long target = Long.parseLong(args[0]);
        RelaySettings settings = RelaySettings.fromEnv(Env.system());
        String outbox = Relay.TOPIC_PREFIX + ".public.outbox";
        CompletableFuture<String> result = new CompletableFuture<>();
        long[] state = new long[4]; // events, first count, first nanos, first CPU nanos
        DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> nothing = (events, committer) -> {
            for (RecordChangeEvent<SourceRecord> e : events) {
                if (e.record().topic().equals(outbox)) {
                    state[0]++;
                }
            }
            if (state[1] == 0 && state[0] > 0) {
                state[1] = state[0];
                state[2] = System.nanoTime();
                state[3] = CpuClock.jvmNanos();
                Machine.resetPeakRss(Machine.thisProcess());
            }
            if (state[0] >= target && !result.isDone()) {
                long measured = state[0] - state[1];
                result.complete(String.format(Locale.ROOT, "%s events=%d measured=%d seconds=%.3f cpuNanos=%d peakRssMiB=%d",
                        RESULT, state[0], measured, (System.nanoTime() - state[2]) / 1e9, CpuClock.jvmNanos() - state[3],
                        Machine.peakRssMiB(Machine.thisProcess())));
            }
            committer.markBatchFinished();
        };
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(Relay.engineProperties(settings))
                .using(OffsetCommitPolicy.always())
                .using((DebeziumEngine.CompletionCallback) (success, message, error) -> result.completeExceptionally(
                        new IllegalStateException("the engine stopped: " + message, error)))
                .notifying(nothing)
                .build();
        int exit = 1;
        try {
            new Thread(engine, "engine-alone").start();
            System.out.println(result.get(15, TimeUnit.MINUTES));
            exit = 0;
        } catch (Exception e) {
            e.printStackTrace(System.out);
        } finally {
            System.out.flush();
            // the engine's threads need not wind down (the slot is freed with the connection); a flight recording is written
            System.exit(exit);
        }
    }
}
