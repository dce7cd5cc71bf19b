package dev.outboxpipeline.cli;

import dev.outboxpipeline.ops.Health;
import dev.outboxpipeline.ops.ServiceHttp;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusCommandIT {

    @Test
    void reportsEachServiceAndExitsOneUnlessAllAreUp() throws Exception {
        try (ServiceHttp writer = ServiceHttp.start("writer", "127.0.0.1", 0, ServiceHttp.newRegistry(),
                () -> Health.up(Map.of()), app -> { });
             ServiceHttp relay = ServiceHttp.start("relay", "127.0.0.1", 0, ServiceHttp.newRegistry(),
                     () -> Health.down(Map.of("state", "RETRYING")), app -> { })) {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }

            CommandRun run = CommandRun.of(Map.of("WRITER_HTTP_PORT", Integer.toString(writer.port()),
                    "RELAY_HTTP_PORT", Integer.toString(relay.port()),
                    "PROJECTOR_HTTP_PORT", Integer.toString(closedPort)), "status");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).containsPattern("writer .* UP ")
                    .containsPattern("relay .* DOWN .*RETRYING")
                    .containsPattern("projector .* not reachable");
        }
    }
}
