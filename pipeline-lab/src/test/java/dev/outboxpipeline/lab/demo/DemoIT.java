package dev.outboxpipeline.lab.demo;

import dev.outboxpipeline.lab.LabCommand;
import dev.outboxpipeline.config.Env;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's code path end to end: writer load, relay, projector, each on real PostgreSQL and Kafka,
 * then verify. It is also the test that the read model, fed by the writer and the relay, ends equal to
 * the source after a mixed load (creates, renames, orders placed, moved, deleted, customers deleted).
 */
class DemoIT {

    @Test
    void demoRunsTheWholeLineAndVerifiesTheSinkEqualToTheSource() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = LabCommand.commandLine(Env.of(Map.of()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        int exit = cl.execute("demo", "--events", "1500", "--rate", "150", "--clients", "3", "--keys", "100");

        assertThat(exit).as(out + "\n" + err).isZero();
        assertThat(out.toString())
                .contains("relay: streaming from slot")
                .contains("Where to look:")
                .contains("events relayed          1,5")
                .contains("end-to-end lag")
                .contains("verify                  EQUAL: the sink matches the source");
        assertThat(out.toString()).containsPattern("customer\\s+[1-9][0-9]* rows, 0 differences");
    }

    @Test
    void demoRejectsANonsensicalLoad() {
        StringWriter err = new StringWriter();
        CommandLine cl = LabCommand.commandLine(Env.of(Map.of()));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("demo", "--events", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--events");
    }
}
