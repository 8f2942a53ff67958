package io.kvbench.chaos.campaign;

/** The faults a campaign injects, with the names written to faults.csv and elections.csv. */
public enum FaultKind {
    /** SIGKILL the leader; restart it after the downtime. */
    KILL_LEADER("kill-leader"),
    /** SIGSTOP the leader (a stale leader); SIGCONT after the downtime. */
    PAUSE_LEADER("pause-leader"),
    /** SIGTERM the leader (graceful: leadership transfer); restart it after the downtime. */
    TERMINATE_LEADER("terminate-leader"),
    /** SIGKILL a random follower; restart it after the downtime. No election is expected. */
    KILL_FOLLOWER("kill-follower"),
    /** Cut every peer link to and from the leader (silently: peer proxies or namespace packet drops); heal after the downtime. */
    PARTITION_LEADER("partition-leader");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static FaultKind parse(String text) {
        for (FaultKind kind : values()) {
            if (kind.label.equalsIgnoreCase(text) || kind.name().equalsIgnoreCase(text)) return kind;
        }
        throw new IllegalArgumentException("unknown fault " + text + "; one of kill-leader, pause-leader, terminate-leader, kill-follower, partition-leader");
    }
}
