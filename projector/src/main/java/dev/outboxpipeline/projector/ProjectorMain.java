package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.ops.ServiceHttp;

import java.util.concurrent.CountDownLatch;

/** Runs the projector until the JVM is stopped; what {@code ./pipeline projector} runs, also usable alone. */
public final class ProjectorMain {

    private ProjectorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        run(ProjectorSettings.fromEnv(Env.system()));
    }

    /** Starts the projector and blocks; SIGTERM or Ctrl-C stops it gracefully. */
    public static void run(ProjectorSettings settings) throws InterruptedException {
        Projector projector = Projector.start(settings, ServiceHttp.newRegistry());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            projector.close();
            stopped.countDown();
        }, "projector-shutdown"));
        stopped.await();
    }
}
