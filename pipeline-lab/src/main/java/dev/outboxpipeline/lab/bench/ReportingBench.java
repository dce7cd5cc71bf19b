package dev.outboxpipeline.lab.bench;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A benchmark that {@code bench all} runs: it reads the environment of {@code bench} and adds its figures to a report. */
abstract class ReportingBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    BenchCommand bench;

    BenchReport report = new BenchReport();

    /** Run from {@code bench all}: the environment of its {@code bench}, the figures into its report. */
    final void reportTo(BenchCommand bench, BenchReport report) {
        this.bench = bench;
        this.report = report;
    }
}
