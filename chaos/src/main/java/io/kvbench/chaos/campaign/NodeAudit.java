package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.history.Violation;
import io.kvbench.node.local.NodeStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Exactly-once from the nodes' side: a kvnode started with {@code --audit-writes} counts how many times each
 * (client, seq) write was applied and reports the writes applied more than once. This complements the
 * history's check (a unique key that already held a value when written): it sees every session's writes,
 * the load generator's too, on every replica, and does not depend on how keys were chosen.
 */
final class NodeAudit {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Why an etcd campaign has no node audit. */
    static final String ETCD_REASON = "etcd keeps no per-write audit (kvnode --audit-writes only)";

    /** One node's totals once it had applied everything committed when the campaign ended (or the wait ran out). */
    record Report(int nodeId, long auditedWrites, long repeatApplications, long appliedIndex, boolean caughtUp) {
        String describe() {
            return "n" + nodeId + " " + auditedWrites + " writes, " + repeatApplications + " repeated"
                    + (caughtUp ? "" : " (had applied only up to " + appliedIndex + ")");
        }
    }

    private NodeAudit() {
    }

    /**
     * Reads every audited node's totals after it applied the highest commit index any node reports now, waiting up
     * to {@code timeout}. Empty when no node is audited (etcd, or nodes started without the flag).
     */
    static List<Report> collect(Cluster cluster, Duration timeout) {
        long target = 0;
        for (int id : cluster.nodeIds()) {
            target = Math.max(target, cluster.status(id).map(NodeStatus::commitIndex).orElse(0L));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Report> reports = new ArrayList<>();
        for (int id : cluster.nodeIds()) {
            Optional<NodeStatus> status = cluster.status(id);
            while (status.isPresent() && status.get().audited() && status.get().appliedIndex() < target
                    && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(POLL_NANOS);
                status = cluster.status(id);
            }
            long caughtUpTo = target;
            status.filter(NodeStatus::audited).ifPresent(s -> reports.add(new Report(s.nodeId(), s.auditedWrites(),
                    s.auditRepeatApplications(), s.appliedIndex(), s.appliedIndex() >= caughtUpTo)));
        }
        return reports;
    }

    static List<Violation> violations(List<Report> reports) {
        List<Violation> violations = new ArrayList<>();
        for (Report report : reports) {
            if (report.repeatApplications() > 0) {
                violations.add(new Violation("duplicate: node " + report.nodeId() + " applied writes more than once "
                        + report.repeatApplications() + " times (its --audit-writes counts)", List.of()));
            }
        }
        return violations;
    }

    /** One line for verdict.txt: each node's totals, or why there are none. */
    static String describe(List<Report> reports, String target) {
        if (reports.isEmpty() && target.equals("etcd")) return "node audit: skipped: " + ETCD_REASON;
        if (reports.isEmpty()) return "node audit: none (nodes not started with --audit-writes)";
        return "node audit: " + String.join("; ", reports.stream().map(Report::describe).toList());
    }
}
