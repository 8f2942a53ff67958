package io.kvbench.chaos.campaign;

import java.util.Arrays;
import java.util.stream.Collectors;

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
    PARTITION_LEADER("partition-leader"),
    /** Cut the link between the leader and one random follower, both ways; heal after the downtime. No election is expected. */
    PARTITION_LINK("partition-link"),
    /** Drop everything the leader's peers send it (one way: its own messages still go out); heal after the downtime. */
    PARTITION_LEADER_INBOUND("partition-leader-inbound");

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
        throw new IllegalArgumentException("unknown fault " + text + "; one of " + labels());
    }

    /** Every label, comma-separated, for help and error messages. */
    public static String labels() {
        return Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", "));
    }

    /** Whether the fault cuts peer links (the cluster must be able to: network proxy or netns, or a cluster file's isolate commands). */
    public boolean cutsLinks() {
        return this == PARTITION_LEADER || this == PARTITION_LINK || this == PARTITION_LEADER_INBOUND;
    }

    /** Whether the fault cuts single links or one direction, which a cluster file's isolate/rejoin commands cannot. */
    public boolean cutsSingleLinks() {
        return this == PARTITION_LINK || this == PARTITION_LEADER_INBOUND;
    }
}
