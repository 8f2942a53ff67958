package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kvbench node-rebuild} asks the other members over the client protocol (MemberStatusesOverClient). */
class NodeRebuildCommandTest {
    @Test
    void aMemberThatDoesNotAnswerFailsTheCommandWithOneLineAndWritesNothing(@TempDir Path directory) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        Path data = directory.resolve("never-created");
        var command = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        command.setErr(new PrintWriter(err));

        int exitCode = command.execute("node-rebuild", "--id", "1", "--clients", "1=127.0.0.1:1,2=127.0.0.1:" + port,
                "--data-dir", data.toString(), "--timeout-ms", "500");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).startsWith("kvbench node-rebuild: node 2 at").contains("every other member must be running")
                .doesNotContain("Exception").hasLineCount(1);
        assertThat(Files.exists(data)).isFalse();
    }
}
