package dev.outboxpipeline.lab.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service of the line as a JVM of its own, on this JVM's classpath, so that a signal hits it alone:
 * SIGKILL, SIGSTOP and SIGCONT go to its pid.
 */
public final class ChildJvm implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private Process process;

    private ChildJvm(String name, List<String> command, Map<String, String> env, Path log) {
        this.name = name;
        this.command = command;
        this.env = Map.copyOf(env);
        this.log = log;
    }

    /** Starts {@code main} with {@code args}; its output is appended to {@code log}. */
    public static ChildJvm start(String name, String heap, String main, List<String> args, Map<String, String> env,
                                 Path log) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Dlogback.configurationFile=logback-lab.xml", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), main));
        command.addAll(args);
        ChildJvm child = new ChildJvm(name, List.copyOf(command), env, log);
        child.start();
        return child;
    }

    /** Starts it again with the same command and environment (after a kill). */
    public synchronized void start() {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public synchronized long pid() {
        return process.pid();
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful anything. */
    public synchronized void kill() {
        process.destroyForcibly();
        awaitExit(60);
    }

    /** SIGTERM, and SIGKILL if it has not stopped within {@code seconds}. */
    public synchronized void terminate(int seconds) {
        if (!alive()) {
            return;
        }
        signal("CONT"); // a stopped process would not handle SIGTERM
        process.destroy();
        if (!awaitExit(seconds)) {
            kill();
        }
    }

    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    private boolean awaitExit(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        terminate(60);
    }

    @Override
    public String toString() {
        return name + (process == null ? "" : " (pid " + process.pid() + ")");
    }
}
