package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A scenario given as a bash command template, e.g.
 * {@code java -jar {worktree}/cli/target/kvbench.jar load --target kvnode --rate 1000 --out {outdir}}.
 * {@code {worktree}} and {@code {outdir}} are replaced by the shell-quoted absolute paths; the command runs in
 * the worktree with its output in {@code outdir/scenario.log}, and {@code KVBENCH_HOME} set to the worktree (so a
 * {@code kvbench} it starts records the worktree's commit, not the checkout's that ran compare).
 */
public final class CommandTemplateScenario implements Scenario {

    public static final String WORKTREE_PLACEHOLDER = "{worktree}";
    public static final String OUTDIR_PLACEHOLDER = "{outdir}";
    public static final String LOG_FILE = "scenario.log";

    private final String template;

    public CommandTemplateScenario(String template) throws CompareException {
        if (template == null || template.isBlank()) {
            throw CompareException.usage("the scenario command is empty");
        }
        if (!template.contains(OUTDIR_PLACEHOLDER)) {
            throw CompareException.usage("the scenario command must contain " + OUTDIR_PLACEHOLDER
                    + " (where each run writes its results): " + template);
        }
        this.template = template;
    }

    public String template() {
        return template;
    }

    /** The command line for one run, with the placeholders replaced. */
    public String command(Path worktree, Path outDir) {
        return template.replace(WORKTREE_PLACEHOLDER, ShellCommand.quote(worktree.toAbsolutePath().toString()))
                .replace(OUTDIR_PLACEHOLDER, ShellCommand.quote(outDir.toAbsolutePath().toString()));
    }

    @Override
    public void run(Path worktree, Path outDir) throws IOException, InterruptedException {
        Path log = outDir.resolve(LOG_FILE);
        String command = command(worktree, outDir);
        int exitCode = ShellCommand.run(command, worktree, log,
                java.util.Map.of("KVBENCH_HOME", worktree.toAbsolutePath().toString()));
        if (exitCode != 0) {
            throw new IOException("scenario exited with " + exitCode + " (log: " + log + ")");
        }
    }
}
