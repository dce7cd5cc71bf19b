package dev.outboxpipeline.lab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The table {@code bench all} ends with: every figure the speed goals name, its value, the peak resident memory
 * beside each rate, and the goal, as Markdown (it reads in a terminal and pastes into docs/benchmarks.md). A
 * figure the run did not produce says why instead of disappearing.
 */
final class BenchSummary {

    private BenchSummary() {
    }

    /** One row: what it shows, how to read it from the report, the goal, and why it may be missing. */
    private record Row(String figure, Function<BenchReport, Optional<Cell>> value, String goal, String bench,
                       String ifMissing) {
    }

    /** A measured value, the peak RSS beside it ("" if not a rate), and whether it meets its goal (null: no verdict). */
    private record Cell(String value, String rss, Boolean met) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("relay drain, backlog of `bench relay --events`", r -> rate(r, BenchReport.RELAY, BenchReport.RELAY_DRAIN,
                    BenchReport.RELAY_CPU_PER_EVENT, null), "≥ 1.5× the peer in the same run", BenchReport.RELAY,
                    "bench relay reported no drain rate"),
            new Row("the peer (Connect + Debezium + EventRouter), same backlog", r -> Optional.empty(), "–", null,
                    "measured by hand beside `./pipeline relay` on the peer's own PostgreSQL and broker: docs/benchmarks.md"),
            new Row("Debezium's engine alone, a consumer that does nothing, same backlog", r -> rate(r, BenchReport.RELAY,
                    BenchReport.ENGINE_ALONE, BenchReport.ENGINE_CPU_PER_EVENT, null).map(c -> withRatio(r, c)),
                    "relay ≥ 0.85 of it", BenchReport.RELAY, "bench relay does not measure the engine alone yet"),
            new Row("projector catch-up, backlog of `bench projector --backlog`", r -> rate(r, BenchReport.PROJECTOR,
                    BenchReport.PROJECTOR_CATCH_UP, null, v -> v >= 15_000), "≥ 15,000 events/s", BenchReport.PROJECTOR,
                    "bench projector reported no catch-up rate"),
            new Row("a writer backlog: the projector from its first sink row until the sink equals the source, vs the relay"
                    + " draining it", BenchSummary::backlogRatio, "≥ 1.0: the read model is never the slowest stage",
                    BenchReport.BACKLOG, "bench backlog reported no rates"),
            new Row("end-to-end lag, source commit to sink commit, at `bench projector --rate`", BenchSummary::endToEndLag,
                    "p99 < 150 ms", BenchReport.PROJECTOR, "bench projector reported no steady run"),
            new Row("the highest sustained rate of the whole line on one machine (lag p99 < 1 s, no backlog growing)",
                    r -> rate(r, BenchReport.LINE, BenchReport.LINE_SUSTAINED, null, v -> v >= 3_000),
                    "report it; aim for ≥ 3,000 events/s", BenchReport.LINE, "bench line found no sustainable step"),
            new Row("relay lag, source commit to Kafka commit, 1,000 events/s", r -> relayLag(r, 1_000),
                    "p99 < 50 ms", BenchReport.RELAY, "bench relay does not measure its lag yet"),
            new Row("relay lag, source commit to Kafka commit, 5,000 events/s", r -> relayLag(r, 5_000),
                    "report it", BenchReport.RELAY, "bench relay does not measure its lag yet"),
            new Row("sink writer alone", r -> rate(r, BenchReport.PROJECTOR, BenchReport.SINK_ALONE, null, null),
                    "keep (45,222 rows/s before)", BenchReport.PROJECTOR, "bench projector reported no sink rate"),
            new Row("relay memory while draining", r -> memory(r, BenchReport.RELAY, BenchReport.RELAY_DRAIN, 512),
                    "the same drain rate within -Xmx256m, peak RSS ≤ 512 MiB", BenchReport.RELAY,
                    "bench relay could not read the relay's peak RSS"),
            new Row("projector memory in the catch-up", r -> memory(r, BenchReport.PROJECTOR, BenchReport.PROJECTOR_CATCH_UP, -1),
                    "the same catch-up rate within -Xmx512m", BenchReport.PROJECTOR,
                    "bench projector could not read its peak RSS"));

    /** The table, one row per figure, in the order of the goals. */
    static String table(BenchReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"figure", "value", "peak RSS", "goal"});
        for (Row row : ROWS) {
            Optional<Cell> cell = row.value().apply(report);
            if (cell.isPresent()) {
                Cell c = cell.get();
                String verdict = c.met() == null ? "" : c.met() ? " (met)" : " (not met)";
                rows.add(new String[] {row.figure(), c.value(), c.rss(), row.goal() + verdict});
            } else {
                rows.add(new String[] {row.figure(), "not measured: " + missing(report, row), "", row.goal()});
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            out.append("| ").append(String.join(" | ", escaped(rows.get(i)))).append(" |\n");
            if (i == 0) {
                out.append("|---|---|---|---|\n");
            }
        }
        return out.toString();
    }

    private static String missing(BenchReport report, Row row) {
        if (row.bench() == null) {
            return row.ifMissing();
        }
        Optional<String> failure = report.failure(row.bench());
        if (failure.isPresent()) {
            return "bench " + row.bench() + " failed (" + failure.get() + ")";
        }
        if (!report.didRun(row.bench())) {
            return "bench " + row.bench() + " did not run";
        }
        return row.ifMissing();
    }

    private static Optional<Cell> rate(BenchReport r, String bench, String name, String cpuName,
                                       java.util.function.DoublePredicate goal) {
        return r.figure(bench, name).map(f -> {
            String cpu = cpuName == null ? "" : r.figure(bench, cpuName)
                    .map(c -> String.format(Locale.ROOT, ", %.3f %s CPU per event", c.value(), c.unit())).orElse("");
            return new Cell(String.format(Locale.ROOT, "%,.0f %s%s", f.value(), f.unit(), cpu), rss(f),
                    goal == null ? null : goal.test(f.value()));
        });
    }

    private static Cell withRatio(BenchReport r, Cell engine) {
        Optional<BenchReport.Figure> relay = r.figure(BenchReport.RELAY, BenchReport.RELAY_DRAIN);
        Optional<BenchReport.Figure> alone = r.figure(BenchReport.RELAY, BenchReport.ENGINE_ALONE);
        if (relay.isEmpty() || alone.isEmpty() || alone.get().value() <= 0) {
            return engine;
        }
        double ratio = relay.get().value() / alone.get().value();
        return new Cell(engine.value() + String.format(Locale.ROOT, " (relay = %.2f of it)", ratio), engine.rss(), ratio >= 0.85);
    }

    private static Optional<Cell> backlogRatio(BenchReport r) {
        Optional<BenchReport.Figure> projector = r.figure(BenchReport.BACKLOG, BenchReport.BACKLOG_PROJECTOR);
        Optional<BenchReport.Figure> relay = r.figure(BenchReport.BACKLOG, BenchReport.BACKLOG_RELAY);
        if (projector.isEmpty() || relay.isEmpty() || relay.get().value() <= 0) {
            return Optional.empty();
        }
        double ratio = projector.get().value() / relay.get().value();
        return Optional.of(new Cell(String.format(Locale.ROOT, "%,.0f vs %,.0f events/s (%.2f)", projector.get().value(),
                relay.get().value(), ratio), rss(projector.get()), ratio >= 1.0));
    }

    /** The steady run at 1,000 events/s if there is one, else the first. */
    private static Optional<Cell> endToEndLag(BenchReport r) {
        List<BenchReport.LagRun> runs = r.lagRuns();
        return runs.stream().filter(l -> l.name().startsWith("1000 events/s")).findFirst()
                .or(() -> runs.stream().findFirst())
                .map(l -> new Cell(String.format(Locale.ROOT, "p50 %d, p95 %d, **p99 %d**, max %d ms (%s)", l.p50(), l.p95(),
                        l.p99(), l.max(), l.name()), "", l.p99() < 150));
    }

    private static Optional<Cell> relayLag(BenchReport r, int rate) {
        Optional<BenchReport.Figure> p99 = r.figure(BenchReport.RELAY, BenchReport.relayLag(rate, 99));
        return p99.map(f -> {
            String p50 = r.figure(BenchReport.RELAY, BenchReport.relayLag(rate, 50))
                    .map(p -> String.format(Locale.ROOT, "p50 %.0f, ", p.value())).orElse("");
            return new Cell(String.format(Locale.ROOT, "%s**p99 %.0f** ms", p50, f.value()), rss(f),
                    rate == 1_000 ? f.value() < 50 : null);
        });
    }

    /** The peak RSS of a rate's process, as the value; {@code limitMiB} -1: no verdict. */
    private static Optional<Cell> memory(BenchReport r, String bench, String name, long limitMiB) {
        return r.figure(bench, name).filter(f -> f.peakRssMiB() > 0).map(f -> new Cell(f.peakRssMiB() + " MiB"
                + (f.rssOf().startsWith("bench JVM") ? ", its max heap " + r.maxHeapMiB() + " MiB" : ""), f.rssOf(),
                limitMiB < 0 ? null : f.peakRssMiB() <= limitMiB));
    }

    private static String rss(BenchReport.Figure f) {
        return f.peakRssMiB() > 0 ? f.peakRssMiB() + " MiB (" + f.rssOf() + ")" : "";
    }

    private static String[] escaped(String[] cells) {
        String[] out = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = cells[i].replace("|", "\\|");
        }
        return out;
    }
}
