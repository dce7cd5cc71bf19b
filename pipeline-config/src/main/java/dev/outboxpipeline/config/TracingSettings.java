package dev.outboxpipeline.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Tracing settings: OpenTelemetry's own {@code OTEL_*} variables, passed to its SDK as properties, with this
 * project's defaults. Nothing is exported unless configured: traces go over OTLP when {@code OTEL_TRACES_EXPORTER=otlp}
 * or an OTLP endpoint is set, and metrics and logs never do (the services' metrics are Micrometer's, on
 * {@code /metrics}). Trace context is W3C's ({@code traceparent}, {@code tracestate}).
 *
 * @param properties the SDK's properties ({@code otel.traces.exporter}, …), defaults included
 */
public record TracingSettings(Map<String, String> properties) {

    public static final String PREFIX = "OTEL_";
    public static final String TRACES_EXPORTER = "OTEL_TRACES_EXPORTER";
    public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public static final String PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public static final String SERVICE_NAME = "OTEL_SERVICE_NAME";

    /** The exporters this build ships: OTLP over HTTP, or none. */
    private static final Set<String> EXPORTERS = Set.of("none", "otlp");
    private static final String HTTP = "http/protobuf";

    public TracingSettings {
        properties = Map.copyOf(properties);
    }

    /** The {@code OTEL_*} variables of {@code env}; {@code service} names the service unless OTEL_SERVICE_NAME does. */
    public static TracingSettings fromEnv(Env env, String service) {
        Map<String, String> p = new TreeMap<>();
        env.withPrefix(PREFIX).forEach((name, value) -> {
            if (!value.isBlank()) {
                p.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value.trim());
            }
        });
        boolean endpoint = p.containsKey(property(ENDPOINT)) || p.containsKey(property(TRACES_ENDPOINT));
        p.putIfAbsent(property(TRACES_EXPORTER), endpoint ? "otlp" : "none");
        p.putIfAbsent("otel.metrics.exporter", "none");
        p.putIfAbsent("otel.logs.exporter", "none");
        p.putIfAbsent(property(PROTOCOL), HTTP);
        p.putIfAbsent("otel.propagators", "tracecontext");
        p.putIfAbsent(property(SERVICE_NAME), service);
        for (String signal : new String[] {"traces", "metrics", "logs"}) {
            String variable = "OTEL_" + signal.toUpperCase(Locale.ROOT) + "_EXPORTER";
            for (String exporter : p.get(property(variable)).split(",")) {
                if (!EXPORTERS.contains(exporter.trim().toLowerCase(Locale.ROOT))) {
                    throw new ConfigException(variable + "=" + p.get(property(variable))
                            + " is not an exporter of this build: use otlp (OTLP over HTTP) or none");
                }
            }
        }
        p.forEach((key, value) -> {
            if (key.startsWith("otel.exporter.otlp.") && key.endsWith("protocol") && !value.equals(HTTP)) {
                throw new ConfigException(key.toUpperCase(Locale.ROOT).replace('.', '_') + "=" + value
                        + " is not supported: this build exports over HTTP, use " + HTTP + " (port 4318)");
            }
        });
        return new TracingSettings(p);
    }

    public boolean exportsTraces() {
        return !properties.get(property(TRACES_EXPORTER)).equals("none");
    }

    private static String property(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** OTLP headers usually carry an API key: shown masked. */
    @Override
    public String toString() {
        return properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getKey().contains("headers") ? Secrets.MASK : Secrets.display(e.getKey(), e.getValue())))
                .collect(Collectors.joining(", ", "TracingSettings[", "]"));
    }
}
