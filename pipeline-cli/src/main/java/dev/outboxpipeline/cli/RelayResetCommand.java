package dev.outboxpipeline.cli;

import dev.outboxpipeline.relay.GapReset;
import dev.outboxpipeline.relay.RelaySettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "reset", mixinStandardHelpOptions = true,
        header = "Records the decision to stream on after a gap (needs --accept-gap).",
        description = {"Records the decision to stream on after a gap the relay refuses to skip (a dropped, lost or recreated",
                "slot; an offset of another database). Stop the relay first or let it refuse; it resumes by itself.",
                "Writes the decision to the slot's offsets topic and prints where and from which LSN the relay resumes.",
                "Exit codes: 0 recorded, 1 nothing to accept (or a relay streams), 2 bad usage or configuration."})
final class RelayResetCommand implements Callable<Integer> {

    @ParentCommand
    private RelayCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--accept-gap", description = "accept that outbox events in the gap are not relayed")
    private boolean acceptGap;

    @Override
    public Integer call() throws InterruptedException {
        if (!acceptGap) {
            spec.commandLine().getErr().println("error: relay reset skips events for good; say so with --accept-gap");
            return PipelineCommand.BAD_CONFIGURATION;
        }
        RelaySettings settings = RelaySettings.fromEnv(parent.env());
        return GapReset.acceptGap(settings, spec.commandLine().getOut());
    }
}
