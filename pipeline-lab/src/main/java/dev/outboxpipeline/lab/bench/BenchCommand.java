package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.cli.PipelineCommand;
import dev.outboxpipeline.config.Env;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code ./pipeline bench <part>}: benchmarks that start their own throwaway PostgreSQL and Kafka and
 * print figures. Speed targets are measured here, never asserted in tests.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Benchmarks on throwaway PostgreSQL and Kafka.",
        description = "Benchmarks that print figures (throughput, CPU, latency) on local PostgreSQL and Kafka.",
        subcommands = {AllBenchCommand.class, WriterBenchCommand.class, RelayBenchCommand.class, ProjectorBenchCommand.class,
                AnalyticsBenchCommand.class, BootstrapBenchCommand.class, LineBenchCommand.class,
                BacklogBenchCommand.class})
public final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    /** The environment the benchmarks configure the services from, as the services themselves read it. */
    Env env() {
        return parent == null ? Env.system() : parent.env();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }
}
