package io.kvbench.chaos.probe;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A leader change as status polling saw it (etcd, which writes no event log).
 *
 * @param node           the new leader
 * @param seenNanos      the arrival of the first answer in which it named itself leader: it led by then
 * @param notYetNanos    when the last poll of it that still said otherwise left (or the fault): it did not lead yet
 *                       before then, so the change happened in [notYetNanos, seenNanos], the polling error bar
 * @param readyNanos     the arrival of its first answer showing an applied term above the old one: it had
 *                       committed its term's first entry (etcd's {@code raft_term} is the applied term); empty if
 *                       no poll showed it
 * @param newTerm        that term, or -1
 */
public record PolledLeader(int node, long seenNanos, long notYetNanos, OptionalLong readyNanos, long newTerm) {

    /** The polling error bar: how long before {@link #seenNanos} the change may have happened. */
    public long errorNanos() {
        return seenNanos - notYetNanos;
    }

    /**
     * The rule, on the polls answered since the fault: the first node other than the old leader to name itself
     * leader (by arrival), bounded below by the last poll of it that did not; ready when that node first shows an
     * applied term above {@code oldTerm}.
     */
    public static Optional<PolledLeader> of(List<StatusPoll> polls, int oldLeader, long oldTerm, long faultNanos) {
        StatusPoll first = null;
        for (StatusPoll poll : polls) {
            if (poll.node() != oldLeader && poll.leadsItself() && (first == null || poll.answeredNanos() - first.answeredNanos() < 0)) {
                first = poll;
            }
        }
        if (first == null) return Optional.empty();
        long notYet = faultNanos;
        StatusPoll ready = null;
        for (StatusPoll poll : polls) {
            if (poll.node() != first.node()) continue;
            if (!poll.leadsItself() && poll.answeredNanos() - first.answeredNanos() < 0 && poll.sentNanos() - notYet > 0) {
                notYet = poll.sentNanos();
            }
            if (poll.leadsItself() && poll.appliedTerm() > oldTerm && (ready == null || poll.answeredNanos() - ready.answeredNanos() < 0)) {
                ready = poll;
            }
        }
        return Optional.of(new PolledLeader(first.node(), first.answeredNanos(), notYet,
                ready == null ? OptionalLong.empty() : OptionalLong.of(ready.answeredNanos()), ready == null ? -1 : ready.appliedTerm()));
    }
}
