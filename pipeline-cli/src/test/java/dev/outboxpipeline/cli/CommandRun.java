package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs a {@code ./pipeline} command in this JVM with a given environment and captures what it prints. */
record CommandRun(int exitCode, String out, String err) {

    static CommandRun of(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PipelineCommand.commandLine(Env.of(env));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }
}
