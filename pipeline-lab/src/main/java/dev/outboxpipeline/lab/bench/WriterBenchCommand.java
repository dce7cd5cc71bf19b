package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.lab.bench.UpdateBenchmark.Result;
import dev.outboxpipeline.lab.bench.UpdateBenchmark.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "writer", mixinStandardHelpOptions = true,
        header = "The outbox's cost in both modes: updates with and without it.",
        description = {"The outbox's cost: the same customer-update workload with and without the outbox event, on a"
                + " throwaway PostgreSQL, with the event as an outbox-table row (removed, or kept) and as a logical"
                + " decoding message (WRITER_OUTBOX_MODE=message), side by side. Prints each variant's rate and the"
                + " ratio to the plain one (target: 0.8 or more).",
                "The variants alternate round by round so that other load on the machine hits them alike; CPU per"
                        + " transaction (writer and PostgreSQL) is printed too, as it varies less than rates on a busy machine."})
final class WriterBenchCommand extends ReportingBench {

    /** The variants that write an outbox event: both modes, compared with the plain update. */
    private static final List<Variant> WITH_EVENT = List.of(Variant.OUTBOX, Variant.OUTBOX_KEEP_ROWS, Variant.OUTBOX_MESSAGE);

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--customers", defaultValue = "2000", description = "Customers updated in turn (default ${DEFAULT-VALUE}).")
    private int customers;

    @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per variant and round (default ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--warm-up", defaultValue = "3",
            description = "Unmeasured seconds before each measurement, and per variant before the first round (default ${DEFAULT-VALUE}).")
    private int warmUp;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds; the median is reported (default ${DEFAULT-VALUE}).")
    private int rounds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (BenchServers servers = BenchServers.postgres("bench-writer", bench.env())) {
            JdbcSettings source = servers.database("bench_writer", Database.SOURCE);
            UpdateBenchmark.seed(source, customers);
            out.printf("customer updates: %d clients over %d customers, %d s per variant after %d s warm-up, %d rounds%n",
                    clients, customers, seconds, warmUp, rounds);
            report.setting("writer", "clients", clients);
            report.setting("writer", "rounds", rounds);
            report.setting("writer", "seconds", seconds);
            out.println("load average before: " + Machine.load());
            out.flush();
            // the first minutes of a JVM compile the hot paths: let every variant run once before measuring
            for (Variant v : Variant.values()) {
                UpdateBenchmark.run(source, v, clients, Duration.ZERO, Duration.ofSeconds(warmUp));
            }
            Machine.resetPeakRss(Machine.thisProcess());
            Map<Variant, List<Double>> rates = new EnumMap<>(Variant.class);
            Map<Variant, List<Double>> cpu = new EnumMap<>(Variant.class);
            for (int round = 1; round <= rounds; round++) {
                StringBuilder line = new StringBuilder("round " + round + ":");
                // rotate the order, so that no variant always runs first after a pause or a change of load
                List<Variant> order = new ArrayList<>(List.of(Variant.values()));
                java.util.Collections.rotate(order, round);
                for (Variant v : order) {
                    Result r = UpdateBenchmark.run(source, v, clients, Duration.ofSeconds(warmUp), Duration.ofSeconds(seconds));
                    rates.computeIfAbsent(v, k -> new ArrayList<>()).add(r.perSecond());
                    cpu.computeIfAbsent(v, k -> new ArrayList<>()).add(r.cpuMicrosPerTransaction());
                    line.append(String.format(Locale.ROOT, "  %s %.0f/s (%.0f µs CPU/tx, %.0f in the writer)", v.label(),
                            r.perSecond(), r.cpuMicrosPerTransaction(), r.clientCpuMicrosPerTransaction()));
                }
                out.println(line);
                out.flush();
            }
            double plain = median(rates.get(Variant.PLAIN));
            long rss = Machine.peakRssMiB(Machine.thisProcess());
            for (Variant v : Variant.values()) {
                report.rate("writer", v.label(), median(rates.get(v)), "transactions/s", rss, "writer JVM (PostgreSQL apart)");
                report.figure("writer", v.label() + ": CPU per transaction", median(cpu.get(v)), "µs");
            }
            out.printf(Locale.ROOT, "median transactions/s (peak RSS of the writer JVM %s, PostgreSQL apart): plain %.0f",
                    RelayBenchCommand.mib(rss), plain);
            for (Variant v : WITH_EVENT) {
                // each round's ratio pairs runs taken seconds apart, under about the same outside load
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    ratios.add(rates.get(v).get(i) / rates.get(Variant.PLAIN).get(i));
                }
                out.printf(Locale.ROOT, "; %s %.0f (%.2f of plain; median of the rounds' ratios %.2f)", v.label(),
                        median(rates.get(v)), median(rates.get(v)) / plain, median(ratios));
            }
            out.println();
            double plainCpu = median(cpu.get(Variant.PLAIN));
            out.printf(Locale.ROOT, "median CPU per transaction (writer JVM + PostgreSQL): plain %.0f µs", plainCpu);
            for (Variant v : WITH_EVENT) {
                double c = median(cpu.get(v));
                out.printf(Locale.ROOT, "; %s %.0f µs (plain/outbox %.2f)", v.label(), c, plainCpu / c);
            }
            out.println();
            out.println("load average after: " + Machine.load());
        }
        return 0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
