package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.relay.RelaySettings;
import dev.outboxpipeline.writer.WriterSettings;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml and the Dockerfile can be checked without a Docker engine: every variable the compose
 * file gives a service is one that service reads, every required one is there, all are documented, and
 * the Dockerfile copies what the build produces. (CI also runs {@code docker-compose config -q}.)
 */
class ComposeFileIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyVariableTheComposeFileSetsIsReadByItsServiceAndNoRequiredOneIsMissing() throws IOException {
        Map<String, Map<String, Object>> services = pipelineServices();
        assertThat(services.keySet()).contains("migrate-source", "migrate-sink", "writer", "relay", "projector", "load");

        for (var service : services.entrySet()) {
            List<?> command = (List<?>) service.getValue().get("command");
            Map<String, String> variables = environment(service.getValue());
            Env env = Env.of(variables);

            loadSettings(command, env); // throws ConfigException when a required variable is missing

            assertThat(variables.keySet()).as("variables of %s that it never reads", service.getKey())
                    .allSatisfy(name -> assertThat(env.wasRead(name)).as(name).isTrue());
        }
    }

    @Test
    void everyVariableTheComposeFileSetsIsInTheConfigurationTable() throws IOException {
        String table = Files.readString(ROOT.resolve("docs/configuration.md"));
        for (var service : pipelineServices().values()) {
            for (String name : environment(service).keySet()) {
                assertThat(table).as("docs/configuration.md documents " + name).contains("| `" + name + "`");
            }
        }
    }

    @Test
    void dockerfileCopiesWhatTheBuildProduces() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String pom = Files.readString(ROOT.resolve("pipeline-cli/pom.xml"));

        assertThat(dockerfile).contains("-Pimage -pl pipeline-cli -am package")
                .contains("COPY --from=build /src/pipeline-cli/target/pipeline-cli.jar")
                .contains("COPY --from=build /src/pipeline-cli/target/lib/");
        assertThat(pom).contains("<finalName>pipeline-cli</finalName>")
                .contains("<id>image</id>")
                .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
        // Failsafe runs after package: the jar the Dockerfile copies is here now
        assertThat(Path.of("target", "pipeline-cli.jar")).exists();
        // the entrypoint runs the product's command line with the command's default heap (ImageEntrypointTest)
        assertThat(dockerfile).contains("COPY --from=build /src/pipeline-cli/src/main/sh/entrypoint.sh "
                        + "/src/pipeline-cli/src/main/sh/default-heap.sh /app/")
                .contains("ENTRYPOINT [\"bash\", \"/app/entrypoint.sh\"]");
        assertThat(Files.readString(ROOT.resolve("pipeline-cli/src/main/sh/entrypoint.sh")))
                .contains("dev.outboxpipeline.cli.PipelineCommand");
        // the launcher runs the lab, which holds the product's commands and the demo's and benchmarks' throwaway servers
        assertThat(Files.readString(ROOT.resolve("pipeline"))).contains("-pl pipeline-lab -am package")
                .contains("dev.outboxpipeline.lab.LabCommand");
    }

    @Test
    void everyServiceHasAMemoryLimitWithRoomBesideItsDefaultHeap() throws Exception {
        for (var service : pipelineServices().entrySet()) {
            List<String> command = ((List<?>) service.getValue().get("command")).stream().map(String::valueOf).toList();
            Object limit = service.getValue().get("mem_limit");
            assertThat(limit).as("mem_limit of %s", service.getKey()).isNotNull();
            long heap = mebibytes(defaultHeap(command).replaceFirst("^-Xmx", ""));
            // metaspace, code cache, thread stacks, direct buffers (and RocksDB) live beside the heap
            assertThat(mebibytes(limit.toString())).as("mem_limit of %s against its heap of %d MiB", service.getKey(), heap)
                    .isGreaterThanOrEqualTo(heap + 256);
        }
    }

    /** What default-heap.sh gives the command, as the image's entrypoint applies it. */
    private static String defaultHeap(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$0\" && default_heap \"$@\"",
                ROOT.resolve("pipeline-cli/src/main/sh/default-heap.sh").toString());
        pb.command().addAll(command);
        Process p = pb.redirectErrorStream(true).start();
        String heap = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        assertThat(heap).as("the default heap of " + command).matches("-Xmx\\d+[mg]");
        return heap;
    }

    private static long mebibytes(String size) {
        long n = Long.parseLong(size.replaceAll("[^0-9]", ""));
        return size.toLowerCase(java.util.Locale.ROOT).endsWith("g") ? n * 1024 : n;
    }

    private static void loadSettings(List<?> command, Env env) {
        switch (command.get(0).toString()) {
            case "migrate" -> JdbcSettings.fromEnv(env, command.get(2).equals("source") ? JdbcSettings.SOURCE : JdbcSettings.SINK);
            case "writer" -> WriterSettings.fromEnv(env);
            case "relay" -> RelaySettings.fromEnv(env);
            case "projector" -> ProjectorSettings.fromEnv(env);
            default -> throw new AssertionError("a compose service runs an unknown command: " + command);
        }
    }

    /** The services built from this repository (the pipeline image), with anchors and merges resolved. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> pipelineServices() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) compose.get("services")).forEach((name, service) -> {
            if (service.containsKey("build")) {
                services.put(name, service);
            }
        });
        return services;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> variables = new LinkedHashMap<>();
        ((Map<String, Object>) service.getOrDefault("environment", Map.of()))
                .forEach((k, v) -> variables.put(k, String.valueOf(v)));
        return variables;
    }
}
