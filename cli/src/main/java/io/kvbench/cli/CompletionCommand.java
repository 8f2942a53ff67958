package io.kvbench.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code kvbench completion}: picocli's generated bash/zsh completion script for every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash (and zsh) completion script for kvbench's commands and options.",
                "Load it in this shell with: source <(./kvbench completion)",
                "or for every shell: ./kvbench completion > ~/.local/share/bash-completion/completions/kvbench"})
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("kvbench", spec.root().commandLine());
        // picocli registers the bare name; the checkout's launcher is typed as ./kvbench.
        String launcher = "\ncomplete -F _complete_kvbench -o default ./kvbench\n";
        spec.commandLine().getOut().print(script + launcher);
        spec.commandLine().getOut().flush();
        return KvbenchMain.EXIT_OK;
    }
}
