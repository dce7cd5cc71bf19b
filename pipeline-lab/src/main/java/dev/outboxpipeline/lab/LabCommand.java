package dev.outboxpipeline.lab;

import dev.outboxpipeline.cli.PipelineCommand;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.lab.bench.BenchCommand;
import dev.outboxpipeline.lab.chaos.ChaosCommand;
import dev.outboxpipeline.lab.demo.DemoCommand;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./pipeline <command>} on a laptop or in CI: the product's commands, plus the demo and the benchmarks,
 * which start throwaway PostgreSQL and Kafka servers. The image runs {@link PipelineCommand} alone.
 */
public final class LabCommand {

    /** The lab's logging: the product's, with the known-benign noise of a fresh local broker quieted. */
    static final String LOGGING = "logback-lab.xml";

    private LabCommand() {
    }

    public static CommandLine commandLine(Env env) {
        CommandLine cl = new CommandLine(new PipelineCommand(env));
        // the demo first and the benchmarks last, as a newcomer reads the list
        Map<String, CommandLine> product = new LinkedHashMap<>(cl.getSubcommands());
        product.keySet().forEach(cl.getCommandSpec()::removeSubcommand);
        cl.addSubcommand(new DemoCommand());
        product.forEach((name, sub) -> {
            if (!name.equals("help")) {
                cl.addSubcommand(name, sub);
            }
        });
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new ChaosCommand());
        cl.addSubcommand("help", product.get("help"));
        return PipelineCommand.configure(cl);
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGGING); // before the first logger exists
        }
        System.exit(commandLine(Env.system()).execute(args));
    }
}
