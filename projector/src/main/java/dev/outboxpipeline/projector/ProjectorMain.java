package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.ops.ServiceHttp;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/** Runs the projector until the JVM is stopped: what {@code ./pipeline projector} runs, also usable alone. */
public final class ProjectorMain {

    private ProjectorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        run(ProjectorSettings.fromEnv(Env.system()), new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    /** Starts the projector, says where it answers, and blocks; SIGTERM or Ctrl-C stop it gracefully. */
    public static void run(ProjectorSettings settings, PrintWriter out) throws InterruptedException {
        Projector projector = Projector.start(settings, ServiceHttp.newRegistry());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            projector.close();
            stopped.countDown();
        }, "projector-shutdown"));
        out.println("projector '" + settings.applicationId() + "' running on http://" + settings.advertisedHost() + ":"
                + projector.httpPort() + " (GET /customers/{id}, /orders/{id}, /health, /metrics); Ctrl-C stops it");
        out.flush();
        stopped.await();
    }
}
