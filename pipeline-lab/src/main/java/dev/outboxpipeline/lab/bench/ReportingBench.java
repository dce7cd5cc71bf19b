package dev.outboxpipeline.lab.bench;

import java.util.concurrent.Callable;

/** A benchmark that {@code bench all} runs: it reads the environment of {@code bench} and adds its figures to a report. */
interface ReportingBench extends Callable<Integer> {

    void reportTo(BenchCommand bench, BenchReport report);
}
