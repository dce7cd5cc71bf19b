package dev.outboxpipeline.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What else the machine was doing (load averages, cores), and the memory a process needed (Linux /proc). */
final class Machine {

    private Machine() {
    }

    /** Load averages over 1, 5 and 15 minutes (NaN if unknown), and the cores this JVM sees. */
    record Load(double one, double five, double fifteen, int cores) {
        @Override
        public String toString() {
            return Double.isNaN(one) ? "unknown on " + cores + " cores"
                    : String.format(Locale.ROOT, "%.2f %.2f %.2f (1, 5, 15 min) on %d cores", one, five, fifteen, cores);
        }
    }

    static Load load() {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new Load(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), cores);
        } catch (IOException | RuntimeException e) {
            return new Load(Double.NaN, Double.NaN, Double.NaN, cores);
        }
    }

    static long thisProcess() {
        return ProcessHandle.current().pid();
    }

    /** Starts a new peak: the kernel's high-water mark of resident memory falls to the present size. */
    static void resetPeakRss(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not ours: the peak then counts from the process's start
        }
    }

    /** Peak resident memory (VmHWM) of a process in MiB; -1 if unknown. */
    static long peakRssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux
        }
        return -1;
    }
}
