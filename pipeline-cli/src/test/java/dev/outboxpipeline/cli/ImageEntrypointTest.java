package dev.outboxpipeline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's entrypoint gives each command its fixed default heap (default-heap.sh, which {@code ./pipeline}
 * sources too) and lets {@code PIPELINE_JAVA_OPTS} replace it. Run with a stand-in {@code java} on the PATH that
 * prints the command line it was given.
 */
class ImageEntrypointTest {

    private static final Path ENTRYPOINT = Path.of("src", "main", "sh", "entrypoint.sh").toAbsolutePath();
    private static final String MAIN = "dev.outboxpipeline.cli.PipelineCommand";

    @TempDir
    Path bin;

    @Test
    void eachServiceGetsItsFixedDefaultHeap() throws Exception {
        assertThat(jvm(Map.of(), "relay")).startsWith("-Xmx256m -cp ").endsWith(MAIN + " relay");
        assertThat(jvm(Map.of(), "projector")).startsWith("-Xmx512m -cp ");
        assertThat(jvm(Map.of(), "writer")).startsWith("-Xmx256m -cp ");
        assertThat(jvm(Map.of(), "writer", "load", "--events", "10")).startsWith("-Xmx256m -cp ").endsWith(" writer load --events 10");
    }

    @Test
    void theShortCommandsGetSmallHeapsAndSnapshotRoomForItsReconciliation() throws Exception {
        for (String command : List.of("migrate", "status")) {
            assertThat(jvm(Map.of(), command)).as(command).startsWith("-Xmx128m -cp ");
        }
        assertThat(jvm(Map.of(), "relay", "reset", "--accept-gap")).startsWith("-Xmx128m -cp ");
        assertThat(jvm(Map.of(), "writer", "purge")).startsWith("-Xmx128m -cp ");
        for (String command : List.of("verify", "verify-analytics", "bootstrap")) {
            assertThat(jvm(Map.of(), command)).as(command).startsWith("-Xmx256m -cp ");
        }
        assertThat(jvm(Map.of(), "snapshot", "--reconcile")).startsWith("-Xmx512m -cp ");
    }

    @Test
    void pipelineJavaOptsReplacesTheDefaultAndACommandWithoutOneGetsHalfTheContainersMemory() throws Exception {
        assertThat(jvm(Map.of("PIPELINE_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC"), "relay"))
                .startsWith("-Xmx1g -XX:+UseSerialGC -cp ").doesNotContain("-Xmx256m");
        assertThat(jvm(Map.of(), "--help")).startsWith("-XX:MaxRAMPercentage=50 -cp ").endsWith(MAIN + " --help");
    }

    @Test
    void theClasspathIsTheImagesJarAndLibrariesBesideTheEntrypoint() throws Exception {
        Path dir = ENTRYPOINT.getParent();
        assertThat(jvm(Map.of(), "relay")).contains(" -cp " + dir.resolve("pipeline-cli.jar") + ":" + dir.resolve("lib") + "/* ");
    }

    /** The arguments the entrypoint gave {@code java}, one line. */
    private String jvm(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path java = bin.resolve("java");
        if (!Files.exists(java)) {
            Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().addAll(List.of("bash", ENTRYPOINT.toString()));
        pb.command().addAll(List.of(args));
        pb.environment().remove("PIPELINE_JAVA_OPTS");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }
}
