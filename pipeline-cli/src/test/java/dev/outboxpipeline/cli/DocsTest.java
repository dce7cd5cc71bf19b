package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.EventTopicSettings;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.writer.WriterSettings;
import dev.outboxpipeline.writer.snapshot.SnapshotSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The docs a user follows stay true: a short README that leads to every page, links that resolve, every setting documented. */
class DocsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** A Markdown link that is not a web address: a path, a #heading, or both. */
    private static final Pattern LOCAL_LINK = Pattern.compile("\\]\\((?!https?:)([^)#\\s]+)?(#[^)\\s]*)?\\)");

    @Test
    void theReadmeIsShortAndLinksEveryDocsPage() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));

        assertThat(readme.lines().count()).as("README lines").isLessThan(200);
        for (Path page : docsPages()) {
            assertThat(readme).as("README links " + page.getFileName()).contains("](docs/" + page.getFileName() + ")");
        }
    }

    @Test
    void everyLocalLinkPointsIntoTheRepositoryAtAFileAndHeadingThatExist() throws IOException {
        List<Path> files = Stream.concat(Stream.of(ROOT.resolve("README.md")), docsPages().stream()).toList();
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher link = LOCAL_LINK.matcher(text);
            while (link.find()) {
                Path target = link.group(1) == null ? file : file.getParent().resolve(link.group(1)).normalize();
                String shown = file.getFileName() + " links " + link.group();
                assertThat(target.startsWith(ROOT)).as(shown + ": inside the repository").isTrue();
                assertThat(target).as(shown).exists();
                if (link.group(2) != null && target.toString().endsWith(".md")) {
                    assertThat(anchors(Files.readString(target))).as(shown).contains(link.group(2).substring(1));
                }
            }
        }
    }

    @Test
    void everyVariableTheSettingsReadIsInTheConfigurationTable() throws IOException {
        Env env = Env.of(Map.of(
                "SOURCE_DB_URL", "jdbc:postgresql://localhost:5432/shop",
                "SINK_DB_URL", "jdbc:postgresql://localhost:5432/readmodel",
                "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        WriterSettings.fromEnv(env);
        SnapshotSettings.fromEnv(env);
        RelaySettings.fromEnv(env);
        ProjectorSettings.fromEnv(env);
        EventTopicSettings.fromEnv(env);
        String table = Files.readString(ROOT.resolve("docs/configuration.md"));

        assertThat(env.readNames()).hasSizeGreaterThan(30)
                .allSatisfy(name -> assertThat(table).as("docs/configuration.md documents " + name).contains("`" + name + "`"));
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(String markdown) {
        return markdown.lines().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .toList();
    }

    private static List<Path> docsPages() throws IOException {
        try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
            return pages.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }
}
