package dev.outboxpipeline.lab.chaos;

/**
 * A fault as it happened.
 *
 * @param startMs    when it was injected, in ms since the run began
 * @param endMs      when its action was over (the outage lifted, the process restarted)
 * @param handoverMs for a relay fault: from the kill until a relay streamed again; -1 otherwise
 * @param recoveryMs from the injection until the lag was back under a second (0 if it never rose above); -1 if it
 *                   did not recover before the run ended
 */
public record InjectedFault(Fault fault, String target, long startMs, long endMs, long handoverMs, String detail,
                            long recoveryMs) {

    InjectedFault withRecovery(long ms) {
        return new InjectedFault(fault, target, startMs, endMs, handoverMs, detail, ms);
    }
}
