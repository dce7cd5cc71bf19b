package dev.outboxpipeline.lab.chaos;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.outboxpipeline.cli.PipelineCommand;
import dev.outboxpipeline.config.Durations;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.ops.ServiceHttp;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./pipeline chaos}: every promise of the line checked together, under seeded faults. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        header = "Injects seeded faults into the whole line and checks its history.",
        description = {"Runs the whole line (two relays on one slot, two projectors, brokers as child processes) under",
                "the writer's steady load, injects seeded faults, drains, and checks the history independently:",
                "every committed event read once by a read_committed consumer, versions in order per aggregate, the",
                "sink equal to the source and never gone backwards, the slot's WAL released, no process left.",
                "With SOURCE_DB_URL, SINK_DB_URL and KAFKA_BOOTSTRAP_SERVERS set it uses those endpoints, and only",
                "the relay and projector faults apply. Exit 0 passed, 1 a check failed, 2 bad usage."})
public final class ChaosCommand implements Callable<Integer> {

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--duration", defaultValue = "10m", description = "How long faults are injected. Default: ${DEFAULT-VALUE}.")
    private String duration;

    @Option(names = "--fault-rate", defaultValue = "6", paramLabel = "<per-minute>",
            description = "Mean faults per minute (at least 10 s apart, a session timeout apart per service). Default: ${DEFAULT-VALUE}.")
    private double faultRate;

    @Option(names = "--seed", description = "Seeds the fault schedule: the same seed replays the same schedule. Default: random, printed.")
    private Long seed;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "chaos-report",
            description = "Where chaos.json, chaos.png and the children's logs go. Default: ${DEFAULT-VALUE}.")
    private Path reportDir;

    @Option(names = "--brokers", defaultValue = "1", description = "1, or 3 for a KRaft cluster with replication factor 3 and min.insync.replicas 2. Default: ${DEFAULT-VALUE}.")
    private int brokers;

    @Option(names = "--rate", defaultValue = "20", description = "The writer's transactions per second. Default: ${DEFAULT-VALUE}.")
    private double rate;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (brokers != 1 && brokers != 3) {
            err.println("error: --brokers " + brokers + " is not supported: use 1 or 3");
            return PipelineCommand.BAD_CONFIGURATION;
        }
        if (faultRate <= 0) {
            err.println("error: --fault-rate must be positive, e.g. 6");
            return PipelineCommand.BAD_CONFIGURATION;
        }
        quietInProcessLogs();
        Duration d = Durations.parse("--duration", duration);
        long s = seed == null ? System.nanoTime() & 0xffffff : seed;
        out.println("chaos: seed " + s + " (replay with --seed " + s + ")");
        out.flush();
        Env env = parent == null ? Env.system() : parent.env();
        ChaosReport report = ChaosRun.run(new ChaosOptions(d, faultRate, s, reportDir.toAbsolutePath(), brokers, rate), env,
                line -> {
                    out.println(line);
                    out.flush();
                });
        report.lines().forEach(out::println);
        write(report, reportDir);
        out.println("report: " + reportDir.resolve("chaos.json") + ", timeline: " + reportDir.resolve("chaos.png"));
        out.flush();
        return report.passed() ? 0 : PipelineCommand.CHECK_FAILED;
    }

    /**
     * The writer's load and the probe run in this JVM and log every connection a fault breaks; the faults are the
     * point, so those logs are noise here (the children's logs are in the report directory).
     */
    static void quietInProcessLogs() {
        System.setProperty("org.jboss.logging.provider", "slf4j");
        for (String name : new String[] {"org.hibernate", "com.zaxxer.hikari", "dev.outboxpipeline.writer",
                "org.apache.kafka", "org.postgresql"}) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
                l.setLevel(ch.qos.logback.classic.Level.OFF);
            }
        }
    }

    /** Writes chaos.json and chaos.png into {@code dir}. */
    public static void write(ChaosReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("passed", report.passed());
            json.put("report", report);
            ServiceHttp.objectMapper().copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve("chaos.json").toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report into " + dir + ": " + e.getMessage(), e);
        }
        TimelineChart.write(report, dir.resolve("chaos.png"));
    }
}
