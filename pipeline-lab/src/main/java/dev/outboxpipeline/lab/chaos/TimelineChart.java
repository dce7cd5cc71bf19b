package dev.outboxpipeline.lab.chaos;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The run as one picture: events written, relayed and applied per second, the lag, and a line at each fault. */
final class TimelineChart {

    private TimelineChart() {
    }

    static void write(ChaosReport report, Path png) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1600).height(700)
                .title("chaos run, seed " + report.seed() + (report.passed() ? ": passed" : ": FAILED"))
                .xAxisTitle("seconds since start").yAxisTitle("events per second").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW).setMarkerSize(0);
        long first = report.timeline().values().stream().flatMap(List::stream).mapToLong(p -> p[0]).filter(x -> x >= 0)
                .min().orElse(0);
        long last = report.timeline().values().stream().flatMap(List::stream).mapToLong(p -> p[0]).max().orElse(0);
        double top = 1;
        for (String name : List.of("written", "relayed", "applied")) {
            List<long[]> filled = zeroFilled(report.timeline().get(name), first, last);
            series(chart, name, filled, 1.0, 0);
            top = Math.max(top, filled.stream().mapToDouble(p -> p[1]).max().orElse(1));
        }
        XYSeries lag = series(chart, "lag (s)", report.timeline().get("lagMs"), 0.001, 1);
        if (lag != null) {
            chart.setYAxisGroupTitle(1, "lag (s)");
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        }
        int i = 0;
        for (InjectedFault f : report.faults()) {
            double x = f.startMs() / 1000.0;
            chart.addAnnotation(new AnnotationLine(x, true, false));
            // staggered labels, so that neighbours stay readable
            chart.addAnnotation(new AnnotationText(f.fault().name().toLowerCase().replace('_', ' '), x,
                    top * (0.95 - 0.07 * (i++ % 6)), false));
        }
        try {
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + png + ": " + e.getMessage(), e);
        }
    }

    /** A second without events is a zero, not a line drawn across the gap. */
    private static List<long[]> zeroFilled(List<long[]> points, long first, long last) {
        java.util.Map<Long, Long> bySecond = new java.util.HashMap<>();
        if (points != null) {
            points.forEach(p -> bySecond.put(p[0], p[1]));
        }
        List<long[]> filled = new ArrayList<>();
        for (long x = first; x <= last; x++) {
            filled.add(new long[] {x, bySecond.getOrDefault(x, 0L)});
        }
        return filled;
    }

    private static XYSeries series(XYChart chart, String name, List<long[]> points, double scale, int axis) {
        if (points == null || points.isEmpty()) {
            return null;
        }
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (long[] p : points) {
            if (p[0] >= 0) {
                x.add((double) p[0]);
                y.add(p[1] * scale);
            }
        }
        if (x.isEmpty()) {
            return null;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setYAxisGroup(axis);
        return s;
    }
}
