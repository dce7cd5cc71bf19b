package dev.outboxpipeline.lab.chaos;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** Injects one fault into the line and says what happened. */
final class FaultInjector {

    private static final Duration RECOVER_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration ZOMBIE_WAIT = Duration.ofSeconds(60);

    private final ChaosLine line;
    private final long runStart;
    private final UnexpectedExits supervisor;
    private final UUID probeCustomer;
    private int nextProjector;
    private int nextBroker = 1;

    FaultInjector(ChaosLine line, long runStart, UnexpectedExits supervisor, UUID probeCustomer) {
        this.probeCustomer = probeCustomer;
        this.line = line;
        this.runStart = runStart;
        this.supervisor = supervisor;
    }

    private long now() {
        return System.currentTimeMillis() - runStart;
    }

    InjectedFault inject(Fault fault) {
        long start = now();
        try {
            return switch (fault) {
                case RELAY_KILL -> relayKill(start, false);
                case RELAY_TAKEOVER -> relayKill(start, true);
                case RELAY_PAUSE -> relayPause(start);
                case PROJECTOR_KILL -> projectorKill(start);
                case BROKER_RESTART -> brokerRestart(start);
                case BROKER_KILL_LEADER -> brokerKillLeader(start);
                case SOURCE_RESTART -> {
                    line.source().restart();
                    yield done(fault, "source", start, -1, "restarted");
                }
                case SINK_RESTART -> {
                    line.sink().restart();
                    yield done(fault, "sink", start, -1, "restarted");
                }
                case SINK_OUTAGE -> sinkOutage(start);
            };
        } catch (RuntimeException e) {
            return done(fault, "?", start, -1, "the injection failed: " + e);
        }
    }

    private InjectedFault done(Fault fault, String target, long start, long handover, String detail) {
        return new InjectedFault(fault, target, start, now(), handover, detail, -1);
    }

    private int activeRelay() {
        return line.streamingRelay().orElseGet(() -> line.awaitStreamingRelay(RECOVER_TIMEOUT));
    }

    private InjectedFault relayKill(long start, boolean standbyFirst) {
        int victim = activeRelay();
        ChildJvm relay = line.relay(victim);
        supervisor.hold(relay);
        try {
            long killed = now();
            relay.kill();
            if (!standbyFirst) {
                relay.start();
            }
            int next = line.awaitStreamingRelay(RECOVER_TIMEOUT);
            long handover = now() - killed;
            if (standbyFirst) {
                relay.start();
            }
            return done(standbyFirst ? Fault.RELAY_TAKEOVER : Fault.RELAY_KILL, relay.name(), start, handover,
                    line.relay(next).name() + " streams " + handover + " ms after the kill");
        } finally {
            supervisor.release(relay);
        }
    }

    private InjectedFault relayPause(long start) {
        int victim = activeRelay();
        ChildJvm relay = line.relay(victim);
        supervisor.hold(relay);
        try {
            relay.pause();
            Pause.of(ChaosTimeouts.RELAY_PAUSE);
            Optional<Integer> during = line.streamingRelay();
            long logBefore = logSize(relay);
            relay.resume();
            // just woken, the zombie still says STREAMING until it notices: ask it what it does once it has
            String zombie = during.isPresent() ? zombieFate(victim, logBefore) : "streams again (no standby took the slot)";
            int next = line.awaitStreamingRelay(RECOVER_TIMEOUT);
            return done(Fault.RELAY_PAUSE, relay.name(), start, -1, "paused " + ChaosTimeouts.RELAY_PAUSE.toSeconds()
                    + " s (transaction timeout " + ChaosTimeouts.TRANSACTION_TIMEOUT.toSeconds() + " s); streaming during"
                    + " the pause: " + during.map(i -> line.relay(i).name()).orElse("none") + "; after SIGCONT: "
                    + line.relay(next).name() + "; the zombie " + zombie);
        } finally {
            supervisor.release(relay);
        }
    }

    /**
     * What the woken zombie did: it must stop streaming (a standby holds the slot) and its producer be fenced, which
     * its log shows; the history check proves none of its writes became visible.
     */
    private String zombieFate(int victim, long logBefore) {
        long deadline = System.nanoTime() + ZOMBIE_WAIT.toNanos(); // a detail of the report: not worth a long wait
        Optional<String> state = line.relayState(victim);
        while (!state.equals(Optional.of("STANDBY")) && System.nanoTime() < deadline) {
            Pause.of(Duration.ofMillis(500));
            state = line.relayState(victim);
        }
        String fencing = newLogLines(line.relay(victim), logBefore).stream()
                .filter(l -> FENCING.matcher(l).find()).findFirst()
                .map(l -> "logged: " + (l.length() > 240 ? l.substring(0, 240) + "..." : l)).orElse("logged no fencing");
        return "is " + state.orElse("not answering") + ", " + fencing;
    }

    private static final java.util.regex.Pattern FENCING = java.util.regex.Pattern.compile(
            "ProducerFenced|(?i:fenced by|old epoch|producer epoch)|TransactionAbortable|(?i:transaction.*timed out)");

    private static long logSize(ChildJvm child) {
        try {
            return java.nio.file.Files.size(child.log());
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static java.util.List<String> newLogLines(ChildJvm child, long from) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(child.log().toFile(), "r")) {
            f.seek(Math.min(from, f.length()));
            byte[] rest = new byte[(int) Math.min(f.length() - f.getFilePointer(), 4 << 20)];
            f.readFully(rest);
            return new String(rest, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        } catch (java.io.IOException e) {
            return java.util.List.of();
        }
    }

    private InjectedFault projectorKill(long start) {
        int victim = nextProjector;
        nextProjector = 1 - nextProjector;
        int other = 1 - victim;
        ChildJvm projector = line.projector(victim);
        supervisor.hold(projector);
        try {
            projector.kill();
            projector.start();
            int ok = 0;
            int failed = 0;
            java.util.Map<Integer, Integer> failures = new java.util.TreeMap<>();
            long deadline = System.nanoTime() + RECOVER_TIMEOUT.toNanos();
            while (!line.projectorHealthy(victim) && System.nanoTime() < deadline) {
                int status = ChaosLine.status(line.projectorPort(other), "/customers/" + probeCustomer);
                if (status == 200) {
                    ok++;
                } else {
                    failed++;
                    failures.merge(status, 1, Integer::sum);
                }
                Pause.of(Duration.ofMillis(250));
            }
            return done(Fault.PROJECTOR_KILL, projector.name(), start, -1, line.projector(other).name()
                    + " answered " + ok + " of " + (ok + failed) + " queries while " + projector.name() + " restarted"
                    + (failed == 0 ? "" : " (failed, by HTTP status, -1 no answer: " + failures + ")"));
        } finally {
            supervisor.release(projector);
        }
    }

    private InjectedFault brokerRestart(long start) {
        BrokerCluster brokers = line.brokers();
        int node = nextBroker;
        nextBroker = nextBroker % brokers.size() + 1;
        ChildJvm broker = brokers.node(node);
        supervisor.hold(broker);
        try {
            broker.terminate(120);
            broker.start();
            brokers.awaitNodes(brokers.size());
            return done(Fault.BROKER_RESTART, broker.name(), start, -1, "stopped and started");
        } finally {
            supervisor.release(broker);
        }
    }

    private InjectedFault brokerKillLeader(long start) {
        BrokerCluster brokers = line.brokers();
        java.util.Set<String> topics = new java.util.HashSet<>(EventRecorder.TOPICS);
        topics.add("outbox.relay.offsets");
        int leader = brokers.leaderOf(topics);
        ChildJvm broker = brokers.node(leader);
        supervisor.hold(broker);
        try {
            broker.kill();
            Pause.of(ChaosTimeouts.BROKER_DOWN);
            broker.start();
            brokers.awaitNodes(brokers.size());
            return done(Fault.BROKER_KILL_LEADER, broker.name(), start, -1, "leader of the relay's partitions, down "
                    + ChaosTimeouts.BROKER_DOWN.toSeconds() + " s");
        } finally {
            supervisor.release(broker);
        }
    }

    private InjectedFault sinkOutage(long start) {
        String db = "readmodel";
        ChaosLine.execute(line.adminSink(), "ALTER DATABASE " + db + " ALLOW_CONNECTIONS false",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
        try {
            Pause.of(ChaosTimeouts.SINK_OUTAGE);
        } finally {
            ChaosLine.execute(line.adminSink(), "ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
        }
        return done(Fault.SINK_OUTAGE, "sink", start, -1, "no connections for " + ChaosTimeouts.SINK_OUTAGE.toSeconds() + " s");
    }
}
