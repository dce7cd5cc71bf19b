package dev.outboxpipeline.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code ./pipeline bench <part>}: benchmarks that start their own throwaway PostgreSQL and Kafka and
 * print figures. Speed targets are measured here, never asserted in tests.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures (throughput, CPU, latency) on local PostgreSQL and Kafka.",
        subcommands = {WriterBenchCommand.class, BenchRelayCommand.class, ProjectorBench.class, BenchAnalyticsCommand.class, BootstrapBench.class})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }
}
