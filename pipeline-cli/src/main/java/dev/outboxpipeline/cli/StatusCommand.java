package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Asks the writer, the relay and the projector for their health.",
        description = {"Asks the writer, the relay and the projector for their /health, at the hosts and ports of",
                "WRITER_HTTP_*, RELAY_HTTP_* and PROJECTOR_HTTP_* (defaults 127.0.0.1:8080, 8081, 8082).",
                "Exit 0 when all answer UP, 1 otherwise."})
final class StatusCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private record Service(String name, String prefix, int defaultPort) {
    }

    private static final List<Service> SERVICES = List.of(
            new Service("writer", "WRITER_HTTP", 8080),
            new Service("relay", "RELAY_HTTP", 8081),
            new Service("projector", "PROJECTOR_HTTP", 8082));

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Env env = parent.env();
        PrintWriter out = spec.commandLine().getOut();
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        boolean allUp = true;
        for (Service s : SERVICES) {
            String host = env.get(s.prefix() + "_HOST", "127.0.0.1");
            String url = "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":"
                    + env.intValue(s.prefix() + "_PORT", s.defaultPort(), 1, 65_535) + "/health";
            String answer;
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
                allUp &= r.statusCode() == 200;
                answer = (r.statusCode() == 200 ? "UP   " : "DOWN ") + r.body();
            } catch (IOException e) {
                allUp = false;
                answer = "not reachable (" + e.getClass().getSimpleName() + "): is it running?";
            }
            out.printf("%-10s %-32s %s%n", s.name(), url, answer);
        }
        return allUp ? 0 : PipelineCommand.CHECK_FAILED;
    }
}
