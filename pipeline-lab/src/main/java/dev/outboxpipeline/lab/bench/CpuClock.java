package dev.outboxpipeline.lab.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by this JVM and by a PostgreSQL server's processes (from {@code /proc}, Linux only). On a
 * machine shared with other work, CPU per transaction varies far less than transactions per second.
 */
final class CpuClock {

    // USER_HZ: the unit of /proc/<pid>/stat times on every Linux the project runs on
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuClock() {
    }

    static long jvmNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** The postmaster of a live backend process; -1 if unknown. */
    static long postmasterOf(long backendPid) {
        try {
            return field(backendPid, 4);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU of a postmaster and all its children (backends, WAL writer, autovacuum...); -1 if unknown. */
    static long postgresNanos(long postmaster) {
        if (postmaster < 0) {
            return -1;
        }
        try {
            long ticks = field(postmaster, 14) + field(postmaster, 15);
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path p : procs) {
                    long pid = Long.parseLong(p.getFileName().toString());
                    try {
                        if (field(pid, 4) == postmaster) {
                            ticks += field(pid, 14) + field(pid, 15);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the process ended meanwhile
                    }
                }
            }
            return ticks * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * As {@link #postgresNanos}, plus what its ended children used (the postmaster's {@code cutime} and {@code cstime}):
     * a WAL sender whose client has gone counts too.
     */
    static long postgresNanosWithEnded(long postmaster) {
        long live = postgresNanos(postmaster);
        try {
            return live < 0 ? -1 : live + (field(postmaster, 16) + field(postmaster, 17)) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Field {@code n} (1-based, as proc(5) numbers them) of /proc/pid/stat. */
    private static long field(long pid, int n) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) is in parentheses and may hold spaces
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(rest[n - 3]);
    }
}
