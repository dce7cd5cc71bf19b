package dev.outboxpipeline.lab.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the children: one that exits when no fault holds it is restarted, and the exit is noted (a relay that
 * stops after being fenced, say). Each such exit is a finding of the run.
 */
final class UnexpectedExits implements AutoCloseable {

    private final List<ChildJvm> children;
    private final long runStart;
    private final Set<ChildJvm> held = ConcurrentHashMap.newKeySet();
    private final List<String> exits = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    UnexpectedExits(List<ChildJvm> children, long runStart) {
        this.children = children;
        this.runStart = runStart;
        thread = new Thread(this::watch, "chaos-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    void hold(ChildJvm child) {
        held.add(child);
    }

    void release(ChildJvm child) {
        held.remove(child);
    }

    private void watch() {
        while (!stopping) {
            for (ChildJvm c : children) {
                if (!stopping && !held.contains(c) && !c.alive()) {
                    synchronized (exits) {
                        exits.add("+" + (System.currentTimeMillis() - runStart) / 1000 + "s " + c.name()
                                + " exited on its own (see " + c.log() + "); restarted");
                    }
                    c.start();
                }
            }
            Pause.of(Duration.ofSeconds(1));
        }
    }

    List<String> exits() {
        synchronized (exits) {
            return List.copyOf(exits);
        }
    }

    /** Stops watching: from here on, children stop on purpose. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
