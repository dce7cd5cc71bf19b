package dev.outboxpipeline.writer;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.TracingSettings;
import dev.outboxpipeline.outbox.OutboxMode;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.domain.ShopDatabase;

import java.util.Locale;

/**
 * The writer's settings: the source database ({@code SOURCE_DB_*}) and the {@code WRITER_*} variables.
 *
 * @param removeAfterInsert delete each outbox row in the transaction that inserted it (table mode)
 * @param outboxMode        an outbox row per event, or a logical decoding message per event
 * @param tracing           the OpenTelemetry SDK's settings ({@code OTEL_*})
 */
public record WriterSettings(JdbcSettings source, String httpHost, int httpPort, boolean removeAfterInsert,
                             int poolSize, OutboxMode outboxMode, TracingSettings tracing) {

    public static final String SERVICE_NAME = "outbox-writer";

    public static final String HTTP_HOST = "WRITER_HTTP_HOST";
    public static final String HTTP_PORT = "WRITER_HTTP_PORT";
    public static final String REMOVE_AFTER_INSERT = "WRITER_OUTBOX_REMOVE_AFTER_INSERT";
    public static final String POOL_SIZE = "WRITER_DB_POOL_SIZE";
    public static final String OUTBOX_MODE = "WRITER_OUTBOX_MODE";

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public static WriterSettings fromEnv(Env env) {
        return new WriterSettings(
                JdbcSettings.fromEnv(env, JdbcSettings.SOURCE),
                env.get(HTTP_HOST, DEFAULT_HOST),
                env.intValue(HTTP_PORT, DEFAULT_PORT, 0, 65_535),
                bool(env, REMOVE_AFTER_INSERT, true),
                env.intValue(POOL_SIZE, ShopDatabase.DEFAULT_POOL_SIZE, 1, 500),
                mode(env),
                TracingSettings.fromEnv(env, SERVICE_NAME));
    }

    public OutboxOptions outboxOptions() {
        if (outboxMode == OutboxMode.MESSAGE) {
            return OutboxOptions.messages();
        }
        return removeAfterInsert ? OutboxOptions.removingRows() : OutboxOptions.keepRows();
    }

    private static OutboxMode mode(Env env) {
        return env.optional(OUTBOX_MODE).map(v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "table" -> OutboxMode.TABLE;
            case "message" -> OutboxMode.MESSAGE;
            default -> throw new ConfigException(OUTBOX_MODE + "=" + v + " is not an outbox mode: use table or message");
        }).orElse(OutboxMode.TABLE);
    }

    private static boolean bool(Env env, String name, boolean defaultValue) {
        return env.optional(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(name + "=" + v + " is not a switch: use true or false");
        }).orElse(defaultValue);
    }
}
