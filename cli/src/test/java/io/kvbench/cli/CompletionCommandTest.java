package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kvbench completion} prints a bash script that bash accepts and that completes commands and options. */
class CompletionCommandTest {

    @Test
    void printsABashScriptThatCompletesCommandsAndOptions(@TempDir Path directory) throws Exception {
        CommandLine commandLine = KvbenchMain.commandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        assertThat(commandLine.execute("completion")).isZero();
        String script = out.toString();
        assertThat(script).contains("complete -F _complete_kvbench", "./kvbench", "chaos", "load", "--trials", "--fault");

        Path file = directory.resolve("kvbench-completion.bash");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        // Load it in a real bash and ask what it offers after "kvbench cha" and "kvbench chaos --tri" (compopt, which
        // only works inside a completion bash itself started, complains on stderr: left out).
        String probe = "source " + file + "\n"
                + "COMP_WORDS=(kvbench cha); COMP_CWORD=1; COMP_LINE='kvbench cha'; COMP_POINT=${#COMP_LINE}; _complete_kvbench 2>/dev/null; echo \"${COMPREPLY[@]}\"\n"
                + "COMP_WORDS=(kvbench chaos --tri); COMP_CWORD=2; COMP_LINE='kvbench chaos --tri'; COMP_POINT=${#COMP_LINE}; _complete_kvbench 2>/dev/null; echo \"${COMPREPLY[@]}\"\n"
                + "complete -p ./kvbench\n";
        Process bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).as(output).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("chaos");
        assertThat(lines.get(1)).isEqualTo("--trials");
        assertThat(lines.get(2)).contains("_complete_kvbench");
    }
}
