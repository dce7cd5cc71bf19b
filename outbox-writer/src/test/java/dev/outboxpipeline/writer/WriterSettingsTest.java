package dev.outboxpipeline.writer;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.outbox.OutboxMode;
import dev.outboxpipeline.outbox.OutboxOptions;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriterSettingsTest {

    private static final Map<String, String> SOURCE = Map.of("SOURCE_DB_URL", "jdbc:postgresql://db:5432/shop");

    @Test
    void defaultsBindLoopbackPort8080AndRemoveRowsAfterInsert() {
        WriterSettings s = WriterSettings.fromEnv(Env.of(SOURCE));

        assertThat(s.httpHost()).isEqualTo("127.0.0.1");
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.removeAfterInsert()).isTrue();
        assertThat(s.outboxOptions().removeAfterInsert()).isTrue();
        assertThat(s.poolSize()).isEqualTo(10);
        assertThat(s.outboxOptions().mode()).isEqualTo(OutboxMode.TABLE);
        assertThat(s.tracing().exportsTraces()).isFalse();
        assertThat(s.tracing().properties()).containsEntry("otel.service.name", "outbox-writer");
    }

    @Test
    void messageModeWritesLogicalDecodingMessages() {
        WriterSettings s = WriterSettings.fromEnv(env(Map.of("WRITER_OUTBOX_MODE", "Message")));

        assertThat(s.outboxOptions()).isEqualTo(OutboxOptions.messages());
    }

    @Test
    void everySettingCanBeChanged() {
        WriterSettings s = WriterSettings.fromEnv(env(Map.of("WRITER_HTTP_HOST", "0.0.0.0", "WRITER_HTTP_PORT", "9090",
                "WRITER_OUTBOX_REMOVE_AFTER_INSERT", "false", "WRITER_DB_POOL_SIZE", "32", "WRITER_OUTBOX_MODE", "table")));

        assertThat(s).isEqualTo(new WriterSettings(s.source(), "0.0.0.0", 9090, false, 32, OutboxMode.TABLE,
                s.tracing()));
    }

    @Test
    void badValuesNameTheVariableAndTheFix() {
        assertThatThrownBy(() -> WriterSettings.fromEnv(env(Map.of("WRITER_HTTP_PORT", "70000"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WRITER_HTTP_PORT=70000 is out of range");
        assertThatThrownBy(() -> WriterSettings.fromEnv(env(Map.of("WRITER_OUTBOX_REMOVE_AFTER_INSERT", "sometimes"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("use true or false");
        assertThatThrownBy(() -> WriterSettings.fromEnv(env(Map.of("WRITER_DB_POOL_SIZE", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WRITER_DB_POOL_SIZE");
        assertThatThrownBy(() -> WriterSettings.fromEnv(env(Map.of("WRITER_OUTBOX_MODE", "queue"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WRITER_OUTBOX_MODE=queue").hasMessageContaining("table or message");
        assertThatThrownBy(() -> WriterSettings.fromEnv(Env.of(Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SOURCE_DB_URL is not set");
        assertThatThrownBy(() -> WriterSettings.fromEnv(env(Map.of("OTEL_TRACES_EXPORTER", "jaeger"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OTEL_TRACES_EXPORTER=jaeger");
    }

    private static Env env(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(SOURCE);
        all.putAll(more);
        return Env.of(all);
    }
}
