package dev.outboxpipeline.lab.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The PNG charts of {@code bench all}, for a reader who never ran it: every title says what was measured and
 * on what machine, every axis its unit.
 */
final class BenchCharts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;

    private BenchCharts() {
    }

    static List<Path> write(BenchReport report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String machine = machine(report.loadBefore());
        List<Path> written = new ArrayList<>();
        for (BenchReport.LagRun run : report.lagRuns()) {
            String slug = run.name().replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT);
            written.add(save(lagOverTime(run, machine), dir.resolve("lag-over-time-" + slug)));
            written.add(save(lagHistogram(run, machine), dir.resolve("lag-histogram-" + slug)));
        }
        // the drain, catch-up and replay rates; the writer's transactions/s are in results.json
        List<BenchReport.Figure> rates = report.figures().stream()
                .filter(f -> f.unit().equals("events/s") || f.unit().equals("rows/s")).toList();
        if (!rates.isEmpty()) {
            written.add(save(rates(rates, machine), dir.resolve("rates")));
        }
        return written;
    }

    private static XYChart lagOverTime(BenchReport.LagRun run, String machine) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("End-to-end lag over time (source commit to sink commit): " + run.name())
                .xAxisTitle("time since the measurement started (s); " + machine)
                .yAxisTitle("end-to-end lag (ms)").build();
        var style = chart.getStyler();
        style.setLegendPosition(Styler.LegendPosition.InsideNE);
        style.setMarkerSize(3);
        style.setChartTitleFont(style.getChartTitleFont().deriveFont(14f));
        double[] x = Arrays.stream(run.atMillis()).mapToDouble(ms -> ms / 1000.0).toArray();
        double[] y = Arrays.stream(run.lagMillis()).mapToDouble(ms -> ms).toArray();
        if (x.length == 0) {
            x = new double[] {0};
            y = new double[] {0};
        }
        XYSeries changes = chart.addSeries("p99 of each 250 ms (" + run.lagMillis().length + " samples)", x, y);
        changes.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        double end = Math.max(1, x[x.length - 1]);
        line(chart, "p50 " + run.p50() + " ms", run.p50(), end);
        line(chart, "p99 " + run.p99() + " ms", run.p99(), end);
        return chart;
    }

    private static void line(XYChart chart, String name, double y, double end) {
        XYSeries s = chart.addSeries(name, new double[] {0, end}, new double[] {y, y});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE);
    }

    private static CategoryChart lagHistogram(BenchReport.LagRun run, String machine) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Distribution of the 250 ms p99 lags (source commit to sink commit): " + run.name())
                .xAxisTitle("p99 lag of a 250 ms interval (ms, centre of bins of equal width); " + machine)
                .yAxisTitle("250 ms intervals").build();
        var style = chart.getStyler();
        style.setAvailableSpaceFill(0.95);
        style.setLegendPosition(Styler.LegendPosition.InsideNE);
        style.setXAxisLabelRotation(45);
        style.setXAxisDecimalPattern("#,##0");
        style.setChartTitleFont(style.getChartTitleFont().deriveFont(14f));
        List<Double> lags = Arrays.stream(run.lagMillis()).mapToObj(ms -> (double) ms).toList();
        if (lags.isEmpty()) {
            lags = List.of(0.0);
        }
        double max = Math.max(1, run.max());
        Histogram h = new Histogram(lags, 25, 0, max);
        chart.addSeries("intervals per bin (window p50 " + run.p50() + " ms, p99 " + run.p99() + " ms, max " + run.max() + " ms)",
                h.getxAxisData(), h.getyAxisData());
        return chart;
    }

    private static CategoryChart rates(List<BenchReport.Figure> rates, String machine) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Drain, catch-up and replay rates (bars labelled with their rate)")
                .xAxisTitle("benchmark (unit), peak resident memory of the process measured; " + machine)
                .yAxisTitle("events or rows per second").build();
        var style = chart.getStyler();
        style.setLabelsVisible(true);
        style.setLegendPosition(Styler.LegendPosition.InsideNE);
        style.setAxisTickLabelsFont(style.getAxisTickLabelsFont().deriveFont(11f));
        style.setYAxisDecimalPattern("#,##0");
        style.setChartTitleFont(style.getChartTitleFont().deriveFont(14f));
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (BenchReport.Figure f : rates) {
            names.add(f.bench() + " " + f.name() + " (" + f.unit() + ")"
                    + (f.peakRssMiB() > 0 ? ", " + f.peakRssMiB() + " MiB" : ""));
            values.add(f.value());
        }
        chart.addSeries("measured rate", names, values);
        return chart;
    }

    private static String machine(Machine.Load load) {
        return "measured on " + load.cores() + " cores, load average " + (Double.isNaN(load.one()) ? "unknown"
                : String.format(Locale.ROOT, "%.1f", load.one())) + " at the start";
    }

    private static Path save(Object chart, Path withoutExtension) throws IOException {
        if (chart instanceof XYChart xy) {
            BitmapEncoder.saveBitmap(xy, withoutExtension.toString(), BitmapEncoder.BitmapFormat.PNG);
        } else {
            BitmapEncoder.saveBitmap((CategoryChart) chart, withoutExtension.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        return Path.of(withoutExtension + ".png");
    }
}
