package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 20, finding 7: a run that failed to start left its empty result folder behind. A run's folder, and the folders
 * made for it, go again when the run fails holding no file; a folder that existed, or holds what the run wrote (a log
 * to read), stays.
 */
class RunFolderTest {
    @TempDir
    Path directory;

    @Test
    void aLoadThatCannotReachItsClusterLeavesNoFolder() {
        Path out = directory.resolve("results").resolve("load").resolve("run");
        CommandLine commandLine = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));

        int exitCode = commandLine.execute("load", "--nodes", "127.0.0.1:1", "--no-floor", "--no-plot", "--quiet",
                "--duration-s", "1", "--warmup-s", "0", "--timeout-ms", "200", "--out", out.toString());

        assertThat(exitCode).isEqualTo(KvbenchMain.EXIT_CHECK_FAILED);
        assertThat(err.toString().strip()).hasLineCount(1).startsWith("kvbench: cannot connect to kvnode at")
                .doesNotContain("Exception");
        assertThat(directory.resolve("results")).doesNotExist();
    }

    @Test
    void aFailedRunRemovesOnlyEmptyFoldersItMade() throws Exception {
        Path existing = Files.createDirectories(directory.resolve("existing"));
        RunFolder intoExisting = RunFolder.create(existing, "unused");
        assertThatThrownBy(() -> intoExisting.run(() -> {
            throw new IOException("cannot start");
        })).hasMessage("cannot start");
        assertThat(existing).as("it was there before").exists();

        RunFolder made = RunFolder.create(directory.resolve("a/b/run"), "unused");
        Files.createDirectories(made.path().resolve("cluster/n1/data"));
        assertThatThrownBy(() -> made.run(() -> {
            throw new IOException("cannot start");
        }));
        assertThat(directory.resolve("a")).doesNotExist();

        RunFolder withLog = RunFolder.create(directory.resolve("c/run"), "unused");
        Files.createDirectories(withLog.path().resolve("cluster/n1"));
        Files.writeString(withLog.path().resolve("cluster/n1/node.log"), "n1 exited while starting");
        assertThatThrownBy(() -> withLog.run(() -> {
            throw new IOException("n1 exited while starting");
        }));
        assertThat(withLog.path().resolve("cluster/n1/node.log")).as("the log the error names").exists();
    }
}
