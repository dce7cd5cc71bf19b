package dev.outboxpipeline.lab.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One chaos run's parameters.
 *
 * @param rate writer transactions per second (steady)
 */
public record ChaosOptions(Duration duration, double faultsPerMinute, long seed, Path reportDir, int brokers,
                           double rate) {

    /** Six a minute gives more than 40 faults in ten minutes once the spacing rules have had their say. */
    public static final double DEFAULT_FAULT_RATE = 6;
    public static final double DEFAULT_RATE = 20;
}
