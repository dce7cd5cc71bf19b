package dev.outboxpipeline.lab;

import dev.outboxpipeline.config.Env;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./pipeline --help} lists every command with a summary of one line, none cut mid-sentence. */
class HelpTest {

    @Test
    void everyCommandListsASummaryOfOneLine() {
        CommandLine pipeline = LabCommand.commandLine(Env.of(Map.of()));
        List<CommandLine> all = new ArrayList<>();
        collect(pipeline, all);

        assertThat(all).extracting(c -> c.getCommandName()).contains("demo", "migrate", "writer", "load", "relay",
                "projector", "bootstrap", "verify", "status", "bench", "all");
        for (CommandLine c : all) {
            if (c.getSubcommands().isEmpty()) {
                continue;
            }
            String help = c.getUsageMessage(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
            List<String> listed = help.lines().dropWhile(l -> !l.equals("Commands:")).skip(1)
                    .takeWhile(l -> !l.isBlank()).toList();
            assertThat(listed).as("the commands of %s", c.getCommandSpec().qualifiedName())
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line).as("a listed command, not a wrapped summary").matches("  \\S.*")
                            .endsWith("."));
        }
    }

    @Test
    void theDemoAndTheBenchmarksSitBesideTheProductsCommands() {
        assertThat(LabCommand.commandLine(Env.of(Map.of())).getSubcommands().keySet())
                .containsExactly("demo", "migrate", "writer", "relay", "projector", "bootstrap", "verify", "verify-analytics",
                        "snapshot", "status", "bench", "chaos", "help");
    }

    @Test
    void theBenchmarksPrintTheirOptions() {
        assertThat(help("bench", "relay", "--help")).contains("--events");
        assertThat(help("bench", "writer", "--help")).contains("--clients");
        assertThat(help("bench", "all", "--help")).contains("--quick").contains("bench-results/<timestamp>");
    }

    private static String help(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cl = LabCommand.commandLine(Env.of(Map.of()));
        cl.setOut(new java.io.PrintWriter(out, true));
        assertThat(cl.execute(args)).isZero();
        return out.toString();
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().values().stream().distinct().forEach(s -> collect(s, into));
    }
}
