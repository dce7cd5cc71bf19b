package dev.outboxpipeline.lab.demo;

import java.io.PrintWriter;
import java.util.List;

/**
 * Shows {@link PipelineStatus} readings: redrawn in place on a terminal, one plain line per reading
 * otherwise (logs, CI).
 */
final class StatusView {

    private final PrintWriter out;
    private final boolean terminal;
    private int drawnLines;

    StatusView(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void show(String phase, PipelineStatus now, PipelineStatus earlier) {
        double relayLag = Math.max(0, now.written() - now.relayed());
        String p99 = Double.isNaN(now.lagP99Millis()) ? "-" : String.format("%.0f ms", now.lagP99Millis());
        if (!terminal) {
            out.printf("[%s] written %d (%.0f/s) | relayed %d (%.0f/s) | rows applied %d (%.0f/s) | behind: relay %.0f,"
                            + " streams %.0f, sink %.0f | end-to-end lag p99 %s%n", phase,
                    now.written(), now.rate(now.written(), earlier.written(), earlier),
                    now.relayed(), now.rate(now.relayed(), earlier.relayed(), earlier),
                    now.rowsApplied(), now.rate(now.rowsApplied(), earlier.rowsApplied(), earlier),
                    relayLag, now.streamsBehind(), now.sinkBehind(), p99);
            out.flush();
            return;
        }
        List<String> lines = List.of(
                String.format("  %-24s %s", "phase", phase),
                String.format("  %-24s %,12d   %,10.0f /s", "events written", now.written(),
                        now.rate(now.written(), earlier.written(), earlier)),
                String.format("  %-24s %,12d   %,10.0f /s   behind %,.0f", "events relayed", now.relayed(),
                        now.rate(now.relayed(), earlier.relayed(), earlier), relayLag),
                String.format("  %-24s %,12d   %,10.0f /s   behind %,.0f (streams) %,.0f (sink)", "read-model rows applied",
                        now.rowsApplied(), now.rate(now.rowsApplied(), earlier.rowsApplied(), earlier),
                        now.streamsBehind(), now.sinkBehind()),
                String.format("  %-24s %s", "end-to-end lag p99", p99));
        if (drawnLines > 0) {
            out.print("\033[" + drawnLines + "F");
        }
        for (String line : lines) {
            out.print("\033[2K");
            out.println(line);
        }
        out.flush();
        drawnLines = lines.size();
    }

    /** The next output starts below the view instead of overwriting it. */
    void release() {
        drawnLines = 0;
    }
}
