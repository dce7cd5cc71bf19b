package dev.outboxpipeline.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process of a benchmark as a JVM of its own, on this JVM's classpath with a fixed heap, so that its CPU and
 * resident memory are its own, not the broker's beside it. {@code BENCH_RELAY_JFR} adds a flight recording.
 */
final class BenchJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private BenchJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static BenchJvm start(String name, String heap, Class<?> main, List<String> args, Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("bench-" + name + "-", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap));
        String jfr = System.getenv("BENCH_RELAY_JFR");
        if (jfr != null && !jfr.isBlank()) {
            // a flight recording of each process, to see where its CPU goes: <file>-<name>.jfr
            command.add("-XX:StartFlightRecording=filename=" + jfr.replaceFirst("\\.jfr$", "") + "-" + name + ".jfr,settings=profile");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new BenchJvm(pb.start(), log);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Waits for it to end by itself; false if it had not within {@code patience}. */
    boolean awaitExit(Duration patience) throws InterruptedException {
        return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    List<String> output() throws IOException {
        return Files.readAllLines(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
