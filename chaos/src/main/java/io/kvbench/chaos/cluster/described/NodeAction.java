package io.kvbench.chaos.cluster.described;

import java.util.Arrays;
import java.util.Optional;

/** What a cluster file's commands do to one node, by the name the file uses for each. */
public enum NodeAction {
    /** Start the node on its ports and data directory; should return once it is launched (background it). */
    START("start", true),
    /** SIGTERM: graceful stop (a kvnode leader hands leadership over first). The harness then waits for it to stop answering. */
    STOP("stop", true),
    /** SIGKILL. */
    KILL("kill", true),
    /** SIGSTOP. */
    PAUSE("pause", true),
    /** SIGCONT. */
    RESUME("resume", true),
    /** Cut the node's peer links (it keeps running); optional, needed only for partition faults. */
    ISOLATE("isolate", false),
    /** Heal what {@link #ISOLATE} cut. */
    REJOIN("rejoin", false),
    /** Exit 0 if the node's process runs, non-zero if not; optional. */
    STATUS("status", false);

    private final String key;
    private final boolean required;

    NodeAction(String key, boolean required) {
        this.key = key;
        this.required = required;
    }

    /** The name in the file's {@code commands} object. */
    public String key() {
        return key;
    }

    public boolean required() {
        return required;
    }

    public static Optional<NodeAction> byKey(String key) {
        return Arrays.stream(values()).filter(action -> action.key.equals(key)).findFirst();
    }
}
