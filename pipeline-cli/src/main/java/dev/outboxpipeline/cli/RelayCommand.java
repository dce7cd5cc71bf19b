package dev.outboxpipeline.cli;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.relay.RelayService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "relay", mixinStandardHelpOptions = true, subcommands = RelayResetCommand.class,
        header = "Relays outbox events from the WAL to compacted Kafka topics.",
        description = {"Relays outbox inserts from the source database's WAL (embedded Debezium, pgoutput) to compacted",
                "Kafka topics outbox.event.<aggregatetype>, exactly once; stops gracefully on SIGTERM.",
                "Reads SOURCE_DB_*, KAFKA_*, RELAY_*, EVENT_TOPIC_* (see docs/configuration.md); /health and /metrics on RELAY_HTTP_PORT (8081)."})
final class RelayCommand implements Callable<Integer> {

    @ParentCommand
    private PipelineCommand parent;

    @Spec
    private CommandSpec spec;

    Env env() {
        return parent.env();
    }

    @Override
    public Integer call() throws InterruptedException {
        RelayService.run(parent.env(), spec.commandLine().getOut());
        return 0;
    }
}
