package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;

import java.time.Duration;

/**
 * The analytics' settings, from {@code PROJECTOR_ANALYTICS*}: whether they run, the windows of event
 * time and the grace period for late events.
 */
public record AnalyticsSettings(boolean enabled, Duration tumblingWindow, Duration hoppingWindow,
                                Duration hoppingAdvance, Duration sessionGap, Duration grace) {

    public static final Duration DEFAULT_TUMBLING_WINDOW = Duration.ofMinutes(1);
    public static final Duration DEFAULT_HOPPING_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_HOPPING_ADVANCE = Duration.ofMinutes(1);
    public static final Duration DEFAULT_SESSION_GAP = Duration.ofSeconds(30);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    public AnalyticsSettings {
        positive("PROJECTOR_ANALYTICS_TUMBLING_WINDOW", tumblingWindow);
        positive("PROJECTOR_ANALYTICS_HOPPING_WINDOW", hoppingWindow);
        positive("PROJECTOR_ANALYTICS_HOPPING_ADVANCE", hoppingAdvance);
        positive("PROJECTOR_ANALYTICS_SESSION_GAP", sessionGap);
        if (grace.isNegative()) {
            throw new ConfigException("PROJECTOR_ANALYTICS_GRACE=" + grace + " is negative: use 0s or more, e.g. 10s");
        }
        if (hoppingAdvance.compareTo(hoppingWindow) > 0) {
            throw new ConfigException("PROJECTOR_ANALYTICS_HOPPING_ADVANCE=" + hoppingAdvance
                    + " is longer than PROJECTOR_ANALYTICS_HOPPING_WINDOW=" + hoppingWindow + ": use an advance up to the window");
        }
    }

    public static AnalyticsSettings defaults() {
        return new AnalyticsSettings(true, DEFAULT_TUMBLING_WINDOW, DEFAULT_HOPPING_WINDOW, DEFAULT_HOPPING_ADVANCE,
                DEFAULT_SESSION_GAP, DEFAULT_GRACE);
    }

    public static AnalyticsSettings off() {
        return defaults().withEnabled(false);
    }

    public static AnalyticsSettings fromEnv(Env env) {
        String on = env.get("PROJECTOR_ANALYTICS", "true").toLowerCase(java.util.Locale.ROOT);
        if (!on.equals("true") && !on.equals("false")) {
            throw new ConfigException("PROJECTOR_ANALYTICS=" + on + " is neither true nor false: use PROJECTOR_ANALYTICS=false to switch the analytics off");
        }
        return new AnalyticsSettings(on.equals("true"),
                env.duration("PROJECTOR_ANALYTICS_TUMBLING_WINDOW", DEFAULT_TUMBLING_WINDOW),
                env.duration("PROJECTOR_ANALYTICS_HOPPING_WINDOW", DEFAULT_HOPPING_WINDOW),
                env.duration("PROJECTOR_ANALYTICS_HOPPING_ADVANCE", DEFAULT_HOPPING_ADVANCE),
                env.duration("PROJECTOR_ANALYTICS_SESSION_GAP", DEFAULT_SESSION_GAP),
                env.duration("PROJECTOR_ANALYTICS_GRACE", DEFAULT_GRACE));
    }

    public AnalyticsSettings withEnabled(boolean on) {
        return new AnalyticsSettings(on, tumblingWindow, hoppingWindow, hoppingAdvance, sessionGap, grace);
    }

    public AnalyticsSettings withGrace(Duration g) {
        return new AnalyticsSettings(enabled, tumblingWindow, hoppingWindow, hoppingAdvance, sessionGap, g);
    }

    /** The analytics' own Kafka Streams application id, beside the read model's. */
    public static String applicationId(String projectorApplicationId) {
        return projectorApplicationId + "-analytics";
    }

    private static void positive(String name, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(name + "=" + d + " is not a positive duration: use e.g. 1m or 30s");
        }
    }
}
