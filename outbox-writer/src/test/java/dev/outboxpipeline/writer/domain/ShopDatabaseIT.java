package dev.outboxpipeline.writer.domain;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.fixtures.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShopDatabaseIT {

    @Test
    void hibernateSchemaValidationPassesOnTheFlywayMigratedDatabase() {
        TestDatabase db = TestDatabase.source("shopdb_valid");

        assertThatCode(() -> ShopDatabase.open(db.settings(), 2).close()).doesNotThrowAnyException();
    }

    @Test
    void aDatabaseWithoutTheSchemaIsRejectedAtStart() {
        TestDatabase db = TestDatabase.empty("shopdb_unmigrated");

        assertThatThrownBy(() -> ShopDatabase.open(db.settings(), 2))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("customer")
                .hasMessageEndingWith("run ./pipeline migrate --target source");
    }
}
