package dev.outboxpipeline.lab.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * When each fault happens, drawn from a seed: the same seed (with the same duration, rate and brokers) gives the
 * same schedule. The kinds come from a shuffled deck, so that every kind recurs; a kind whose service is still
 * within its gap yields to the next one in the deck.
 */
public record FaultSchedule(long seed, List<PlannedFault> faults) {

    /** Load runs this long before the first fault, so there is a steady state to depart from. */
    public static final Duration WARM_UP = Duration.ofSeconds(20);
    /** No fault starts this close to the end, so the last one's recovery can be measured. */
    public static final Duration QUIET_END = Duration.ofSeconds(20);

    public record PlannedFault(Duration at, Fault fault) {
        @Override
        public String toString() {
            return "+" + at.toSeconds() + "s " + fault;
        }
    }

    /**
     * @param faultsPerMinute the mean rate; gaps are {@link ChaosTimeouts#MIN_GAP} plus an exponential remainder
     */
    public static FaultSchedule plan(long seed, Duration duration, double faultsPerMinute, int brokers,
                                     boolean localServers) {
        List<Fault> kinds = new ArrayList<>();
        for (Fault f : Fault.values()) {
            if (f.appliesTo(brokers, localServers)) {
                kinds.add(f);
            }
        }
        Random random = new Random(seed);
        double meanGapMs = 60_000 / faultsPerMinute;
        double extraMeanMs = Math.max(0, meanGapMs - ChaosTimeouts.MIN_GAP.toMillis());
        Map<String, Duration> serviceFreeAt = new HashMap<>();
        List<Fault> deck = new ArrayList<>();
        List<PlannedFault> planned = new ArrayList<>();
        Duration last = duration.minus(QUIET_END);
        Duration t = WARM_UP;
        while (t.compareTo(last) <= 0) {
            if (deck.isEmpty()) {
                deck.addAll(kinds);
                Collections.shuffle(deck, random);
            }
            Duration now = t;
            Fault next = deck.stream()
                    .filter(f -> serviceFreeAt.getOrDefault(f.service(), Duration.ZERO).compareTo(now) <= 0)
                    .findFirst().orElse(null);
            if (next == null && deck.size() < kinds.size()) {
                // what is left waits for its service: let the other services have their next turn meanwhile
                List<Fault> more = new ArrayList<>(kinds);
                Collections.shuffle(more, random);
                deck.addAll(more);
                continue;
            }
            if (next == null) {
                // every kind left in the deck waits for its service: move on to the earliest one's free time
                t = deck.stream().map(f -> serviceFreeAt.get(f.service())).min(Duration::compareTo).orElseThrow();
                continue;
            }
            deck.remove(next);
            planned.add(new PlannedFault(t, next));
            serviceFreeAt.put(next.service(), t.plus(next.lasts()).plus(ChaosTimeouts.sessionTimeout(next.service())));
            long extra = extraMeanMs == 0 ? 0 : (long) (-Math.log(1 - random.nextDouble()) * extraMeanMs);
            t = t.plus(ChaosTimeouts.MIN_GAP).plusMillis(extra);
        }
        return new FaultSchedule(seed, List.copyOf(planned));
    }

    @Override
    public String toString() {
        return "seed " + seed + ": " + faults;
    }
}
