package dev.outboxpipeline.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka client settings: {@code KAFKA_BOOTSTRAP_SERVERS}, plus any client property passed through as
 * {@code KAFKA_<PROPERTY>} with dots written as underscores ({@code KAFKA_SECURITY_PROTOCOL=SASL_SSL}
 * becomes {@code security.protocol}), so TLS and SASL need no code.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties) {

    public static final String BOOTSTRAP_VARIABLE = "KAFKA_BOOTSTRAP_SERVERS";
    private static final String PREFIX = "KAFKA_";

    public KafkaSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings fromEnv(Env env) {
        String bootstrap = env.required(BOOTSTRAP_VARIABLE, "localhost:9092");
        if (!bootstrap.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*")) {
            throw new ConfigException(BOOTSTRAP_VARIABLE + "=" + bootstrap
                    + " is not a list of HOST:PORT: write e.g. localhost:9092 or a:9092,b:9092");
        }
        Map<String, String> properties = new TreeMap<>();
        env.withPrefix(PREFIX).forEach((name, value) -> {
            if (!name.equals(BOOTSTRAP_VARIABLE)) {
                properties.put(name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return new KafkaSettings(bootstrap, properties);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of());
    }

    /** Client properties for a Kafka client: the pass-through ones and the bootstrap servers. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new TreeMap<>(clientProperties);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        clientProperties.forEach((k, v) -> shown.put(k, Secrets.display(k, v)));
        return "KafkaSettings[bootstrap.servers=" + bootstrapServers + ", " + shown + "]";
    }
}
