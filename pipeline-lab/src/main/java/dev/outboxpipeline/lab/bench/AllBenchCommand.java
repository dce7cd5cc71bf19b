package dev.outboxpipeline.lab.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code ./pipeline bench all}: every benchmark, one after the other, then results.json and the charts. */
@Command(name = "all", mixinStandardHelpOptions = true,
        header = "Every benchmark in one go, written as JSON and PNG charts.",
        description = {"Runs bench writer, relay, projector, bootstrap and line one after the other, each on its own throwaway"
                + " servers, and writes bench-results/<timestamp>/: results.json (every figure, with the machine's load"
                + " and core count), summary.md (the table it ends with: every figure of the speed goals, its peak RSS"
                + " and its goal, or why it was not measured) and PNG charts of the end-to-end lag over time, its"
                + " distribution, and the rates.",
                "--quick uses small sizes (a few minutes in all): a smoke run, not figures to quote."})
final class AllBenchCommand implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss'Z'").withZone(ZoneOffset.UTC);

    @ParentCommand
    private BenchCommand bench;

    @Spec
    private CommandSpec spec;

    @Option(names = "--quick", description = "Small sizes, for a smoke run of a few minutes.")
    private boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default bench-results/<timestamp>).")
    private Path outDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = outDir != null ? outDir : Path.of("bench-results", STAMP.format(Instant.now()));
        Files.createDirectories(dir);
        BenchReport report = new BenchReport();
        report.setting("all", "quick", quick);
        out.printf("Every benchmark%s; machine: %s%n", quick ? ", small sizes (--quick)" : "", report.loadBefore());
        out.flush();

        Map<String, Run> runs = new LinkedHashMap<>();
        runs.put("writer", new Run(WriterBenchCommand::new,
                "--clients", "2", "--customers", "200", "--seconds", "2", "--warm-up", "1", "--rounds", "1"));
        runs.put("relay", new Run(RelayBenchCommand::new, "--events", "5000", "--writer-seconds", "3", "--lag-seconds", "5",
                "--idle-seconds", "0"));
        runs.put("projector", new Run(ProjectorBenchCommand::new,
                "--rate", "200", "--seconds", "10", "--warmup", "3", "--backlog", "3000"));
        runs.put("bootstrap", new Run(BootstrapBenchCommand::new, "--keys", "20000"));
        runs.put("line", new Run(LineBenchCommand::new, "--rates", "200,400", "--seconds", "5", "--warmup", "3"));
        runs.put("backlog", new Run(BacklogBenchCommand::new, "--events", "5000"));

        List<String> failed = new ArrayList<>();
        for (var entry : runs.entrySet()) {
            String[] args = quick ? entry.getValue().quickArgs() : new String[0];
            out.printf("%n== bench %s %s%n", entry.getKey(), String.join(" ", args));
            out.flush();
            ReportingBench b = entry.getValue().bench().get();
            CommandLine cl = new CommandLine(b);
            cl.setOut(out);
            cl.setErr(spec.commandLine().getErr());
            cl.parseArgs(args);
            b.reportTo(bench, report);
            try {
                int exit = b.call();
                if (exit != 0) {
                    failed.add(entry.getKey());
                    report.failed(entry.getKey(), "exit code " + exit + "; its output above says why");
                } else {
                    report.ran(entry.getKey());
                }
            } catch (Exception e) {
                out.printf("bench %s failed: %s%n", entry.getKey(), e);
                failed.add(entry.getKey());
                report.failed(entry.getKey(), e.toString());
            }
        }

        String summary = BenchSummary.table(report);
        out.printf("%nThe figures of the speed goals (machine: %s; smoke figures on a shared machine vary):%n%n%s", Machine.load(), summary);
        Files.writeString(dir.resolve("summary.md"), summary);
        out.printf("%nResults in %s:%n  %s%n  summary.md%n", dir, report.writeJson(dir, Machine.load()).getFileName());
        for (Path chart : BenchCharts.write(report, dir)) {
            out.printf("  %s%n", chart.getFileName());
        }
        if (!failed.isEmpty()) {
            out.println("failed: " + failed + " (their figures are missing from the results)");
            return 1;
        }
        return 0;
    }

    private record Run(Supplier<ReportingBench> bench, String... quickArgs) {
    }
}
