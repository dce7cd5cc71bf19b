package dev.outboxpipeline.cli;

import dev.outboxpipeline.projector.ProjectorMain;
import dev.outboxpipeline.projector.ProjectorSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "projector", mixinStandardHelpOptions = true,
        header = "Runs the projector: the event topics into the read model.",
        description = {"Runs the projector until stopped (Ctrl-C or SIGTERM stop it gracefully): a Kafka Streams",
                "application (exactly-once) that turns the outbox.event.* topics into the read model, writes its",
                "changes to readmodel.* topics and applies them to the sink database.",
                "Serves GET /customers/{id} and GET /orders/{id} from its state stores, /health and /metrics.",
                "Reads SINK_DB_*, KAFKA_* and PROJECTOR_* (see docs/configuration.md); migrates the sink database at start.",
                "Scale out by starting more instances with the same PROJECTOR_APPLICATION_ID."})
final class ProjectorCommand implements Callable<Integer> {

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ProjectorMain.run(ProjectorSettings.fromEnv(parent.env()), spec.commandLine().getOut());
        return 0;
    }
}
