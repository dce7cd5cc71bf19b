package dev.outboxpipeline.outbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox table has one source: the README's copy and the jar's DDL are the source migrations' statements. */
class OutboxTableSqlTest {

    private static final String MARKER = "<!-- outbox-table-sql:";

    @Test
    void theShippedDdlIsTheSourceMigration() throws Exception {
        Path migrations = Path.of("..", "db", "migrations", "source");

        assertThat(OutboxTable.createTableSql()).isEqualTo(Files.readString(migrations.resolve("V2__outbox.sql"))
                + Files.readString(migrations.resolve("V4__outbox_trace_context.sql")));
    }

    @Test
    void theReadmesCopyHasTheMigrationsStatements() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int marker = readme.indexOf(MARKER);
        assertThat(marker).as("the README marks its copy of the outbox table's SQL").isNotNegative();
        int start = readme.indexOf("```sql\n", marker) + "```sql\n".length();
        String copy = readme.substring(start, readme.indexOf("```", start));

        assertThat(statements(copy)).isEqualTo(statements(OutboxTable.createTableSql()));
    }

    /** The SQL without comments and blank lines. */
    private static String statements(String sql) {
        return sql.lines().map(l -> l.replaceFirst("--.*$", "").stripTrailing()).filter(l -> !l.isBlank())
                .collect(Collectors.joining("\n"));
    }
}
