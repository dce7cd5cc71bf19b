package dev.outboxpipeline.lab;

import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.SharedServers;
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

/** The {@code ./pipeline} script itself, on the build that Maven packaged just before this phase. */
class LauncherIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void launcherRunsMigrateAgainstARealDatabase() throws Exception {
        PostgresServer server = SharedServers.postgres();
        Result r = run(Map.of("SOURCE_DB_URL", server.createDatabase("launcher_source"),
                "SOURCE_DB_USER", server.user()), "migrate", "--target", "source");

        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).containsPattern("migrated from version none to \\d+");
    }

    @Test
    void launcherExitsTwoOnBadConfigurationWithoutShowingThePassword() throws Exception {
        Result r = run(Map.of("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:1/x", "SOURCE_DB_PASSWORD", "hunter2"),
                "migrate", "--target", "source");

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("SOURCE_DB_URL").doesNotContain("hunter2");
    }

    @Test
    void everyCommandPrintsHelp() throws Exception {
        assertThat(run(Map.of(), "--help").output).contains("migrate");
        assertThat(run(Map.of(), "migrate", "--help").output).contains("--target");
    }

    @Test
    void launcherGivesEachCommandItsDefaultHeapWhichPipelineJavaOptsReplaces(@TempDir Path javaHome) throws Exception {
        // a stand-in java that answers the launcher's version check and prints the command line it was given
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\ncase \"$1\" in -XshowSettings:*) echo '    java.specification.version = 17' >&2; exit 0;; esac\n"
                + "echo \"java $@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("JAVA_HOME", javaHome.toString(), "PIPELINE_LOG_LEVEL", "debug");

        Result relay = run(env, "relay");
        assertThat(relay.output).contains("pipeline: JVM options: -Xmx256m (from the default of \"relay\")")
                .containsPattern("java -Xmx256m -cp \\S+ dev.outboxpipeline.lab.LabCommand relay");
        assertThat(run(env, "projector").output).contains("java -Xmx512m -cp ");
        assertThat(run(env, "migrate", "--target", "source").output).contains("java -Xmx128m -cp ");
        // the demo, the benchmarks and the chaos run hold brokers and databases: the JVM's default stays
        assertThat(run(env, "bench", "all").output).contains("JVM options: none (the JVM defaults)")
                .containsPattern("java -cp \\S+ dev.outboxpipeline.lab.LabCommand bench all");

        Map<String, String> overridden = new java.util.HashMap<>(env);
        overridden.put("PIPELINE_JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC");
        assertThat(run(overridden, "relay").output).contains("(from PIPELINE_JAVA_OPTS)")
                .contains("java -Xmx1g -XX:+UseSerialGC -cp ").doesNotContain("-Xmx256m");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add(ROOT.resolve("pipeline").toString());
        pb.command().addAll(List.of(args));
        pb.environment().keySet().removeIf(k -> k.startsWith("SOURCE_DB") || k.startsWith("SINK_DB") || k.equals("PIPELINE_JAVA_OPTS"));
        pb.environment().putAll(env);
        pb.environment().put("PIPELINE_NO_BUILD", "1"); // Maven is running this test: use what it just packaged
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }
}
