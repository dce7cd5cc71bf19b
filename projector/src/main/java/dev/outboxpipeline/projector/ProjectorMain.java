package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.ops.RunningService;
import dev.outboxpipeline.ops.ServiceHttp;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Runs the projector until the JVM is stopped: what {@code ./pipeline projector} runs, also usable alone. */
public final class ProjectorMain {

    private ProjectorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        run(ProjectorSettings.fromEnv(Env.system()), new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    /**
     * Starts the projector, says where it answers, and blocks; SIGTERM or Ctrl-C stop it gracefully. A
     * refusal to run (bad configuration, e.g. an event topic that is not compacted) is thrown.
     */
    public static void run(ProjectorSettings settings, PrintWriter out) throws InterruptedException {
        Projector projector = Projector.start(settings, ServiceHttp.newRegistry());
        out.println("projector '" + settings.applicationId() + "' answering on http://" + settings.advertisedHost() + ":"
                + projector.port() + " (GET /customers/{id}, /orders/{id}, /health, /health/live, /metrics);"
                + " Ctrl-C stops it");
        out.flush();
        RunningService.runUntilStopped(projector);
    }
}
