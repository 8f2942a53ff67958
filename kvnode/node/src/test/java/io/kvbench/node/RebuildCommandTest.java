package io.kvbench.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rebuild command's refusals, whatever source answers for the other members (kvbench node-rebuild's over the
 * client protocol is tested in cli's NodeRebuildCommandTest): each is one line, exit 1, and nothing is written.
 */
class RebuildCommandTest {
    private static final String COMPLETE = "{\"nodeId\":2,\"clusterId\":\"kvbench\",\"term\":9,\"lastIndex\":40}";

    @TempDir
    Path directory;

    @Test
    void aStatusWithoutTheFieldsThePlanNeedsIsRefusedNotReadAsZero() throws Exception {
        assertThat(RebuildCommand.parse("{\"nodeId\":3,\"clusterId\":\"c\",\"term\":9,\"lastIndex\":40}"))
                .isEqualTo(new RebuildPlan.MemberStatus(3, "c", 9, 40));
        assertThatThrownBy(() -> RebuildCommand.parse("{\"nodeId\":3,\"clusterId\":\"c\",\"term\":9}"))
                .isInstanceOf(IOException.class).hasMessageContaining("'lastIndex'");
        assertThatThrownBy(() -> RebuildCommand.parse("{\"nodeId\":3,\"clusterId\":\"c\",\"term\":\"9\",\"lastIndex\":40}"))
                .isInstanceOf(IOException.class).hasMessageContaining("'term'");
        assertThatThrownBy(() -> RebuildCommand.parse("{\"nodeId\":3,\"term\":9,\"lastIndex\":40}"))
                .isInstanceOf(IOException.class).hasMessageContaining("'clusterId'");
        assertThatThrownBy(() -> RebuildCommand.parse("not json"))
                .isInstanceOf(IOException.class).hasMessageStartingWith("its status is not JSON").hasMessageNotContaining("\n");
    }

    @Test
    void anIncompleteStatusFromTheSourceFailsTheCommandNamingTheMember() {
        Path data = directory.resolve("rebuilt");
        Result result = run(members -> {
            Map<Integer, String> statuses = new TreeMap<>();
            statuses.put(2, COMPLETE);
            statuses.put(3, "{\"nodeId\":3,\"clusterId\":\"kvbench\",\"term\":9}"); // a status without lastIndex
            return statuses;
        }, "--id", "1", "--clients", "1=127.0.0.1:1,2=127.0.0.1:2,3=127.0.0.1:3", "--data-dir", data.toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.err).startsWith("rebuild: node 3 at ").contains("127.0.0.1:3: its status has no numeric 'lastIndex'")
                .doesNotContain("Exception").hasLineCount(1);
        assertThat(data).doesNotExist();
    }

    @Test
    void aNodeThatStillListensIsNotRebuiltAndNoMemberIsAsked() throws Exception {
        try (ServerSocket stillRunning = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path data = directory.resolve("rebuilt");
            AtomicInteger asked = new AtomicInteger();
            Result result = run(members -> {
                asked.incrementAndGet();
                return Map.of(2, COMPLETE);
            }, "--id", "1", "--clients", "1=127.0.0.1:" + stillRunning.getLocalPort() + ",2=127.0.0.1:2",
                    "--data-dir", data.toString());

            assertThat(result.exitCode).isEqualTo(1);
            assertThat(result.err).startsWith("rebuild: something still listens at node 1's client address")
                    .contains("stop node 1 before rebuilding it").hasLineCount(1);
            assertThat(asked).hasValue(0);
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void completeStatusesFromTheSourcePrepareTheDirectory() {
        Path data = directory.resolve("rebuilt");
        Result result = run(members -> Map.of(2, COMPLETE),
                "--id", "1", "--clients", "1=127.0.0.1:1,2=127.0.0.1:2", "--data-dir", data.toString());

        assertThat(result.exitCode).as(result.err).isZero();
        assertThat(result.out).contains("rebuilt node 1").contains("no vote in term 9 or before")
                .contains("until its log reaches index 40");
    }

    private interface Answers {
        Map<Integer, String> of(Map<Integer, java.net.InetSocketAddress> members) throws IOException;
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(Answers answers, String... args) {
        CommandLine command = new CommandLine(new RebuildCommand((members, timeout) -> answers.of(members)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int exitCode = command.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
