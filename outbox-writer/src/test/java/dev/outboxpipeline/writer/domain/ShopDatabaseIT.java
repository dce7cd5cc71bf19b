package dev.outboxpipeline.writer.domain;

import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.writer.SourceDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShopDatabaseIT {

    @Test
    void hibernateSchemaValidationPassesOnTheFlywayMigratedDatabase() {
        SourceDatabase db = SourceDatabase.migrated("shopdb_valid");

        assertThatCode(() -> ShopDatabase.open(db.settings(), 2).close()).doesNotThrowAnyException();
    }

    @Test
    void aDatabaseWithoutTheSchemaIsRejectedAtStart() {
        SourceDatabase db = SourceDatabase.empty("shopdb_unmigrated");

        assertThatThrownBy(() -> ShopDatabase.open(db.settings(), 2))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("customer")
                .hasMessageEndingWith("run ./pipeline migrate --target source");
    }
}
