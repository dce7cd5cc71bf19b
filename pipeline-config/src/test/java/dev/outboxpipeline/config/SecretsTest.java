package dev.outboxpipeline.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    @Test
    void masksPasswordParametersAndUserInfoInUrls() {
        assertThat(Secrets.maskInText("jdbc:postgresql://db:5432/shop?user=app&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/shop?user=app&password=****&ssl=true");
        assertThat(Secrets.maskInText("postgresql://app:hunter2@db:5432/shop"))
                .isEqualTo("postgresql://app:****@db:5432/shop");
    }

    @Test
    void masksAKnownPasswordWhereverAMessageEchoesIt() {
        assertThat(Secrets.maskInText("login failed with s3cr3t for app", "s3cr3t"))
                .isEqualTo("login failed with **** for app");
    }

    @Test
    void recognisesSecretSettingNames() {
        assertThat(Secrets.isSecret("SOURCE_DB_PASSWORD")).isTrue();
        assertThat(Secrets.isSecret("sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSecret("ssl.key.password")).isTrue();
        assertThat(Secrets.isSecret("bootstrap.servers")).isFalse();
    }
}
