package io.kvbench.chaos.netns;

import java.io.IOException;
import java.util.List;

/**
 * Runs cuts through a {@code tc -batch} process started ahead of time: the campaign times a fault from just before
 * it injects it, so the cut must not wait for a process start (tens of ms on a loaded machine, long enough for
 * writes to be acknowledged "after" the fault). The standby is replaced after each use, after the cut rather than
 * before it, so the cut is not slowed by the next start. Heals start a process of their own.
 */
final class StandbyTc implements TcRunner {
    private static final List<String> TC = List.of("tc");

    /** Null after {@link #close}. */
    private IpCommand.StartedBatch standby;
    private boolean closed;

    StandbyTc() throws IOException {
        this.standby = IpCommand.startBatch(TC);
    }

    @Override
    public synchronized IpCommand.Result runNow(List<String> lines) throws IOException {
        if (closed) throw new IllegalStateException("the partition rules' tc runner is closed");
        IpCommand.StartedBatch batch = standby != null && standby.isReady() ? standby : IpCommand.startBatch(TC);
        if (batch != standby && standby != null) standby.close();
        standby = null;
        try {
            return batch.submit(lines);
        } finally {
            standby = IpCommand.startBatch(TC);
        }
    }

    @Override
    public IpCommand.Result runAll(List<String> lines) throws IOException {
        return IpCommand.attemptBatch(TC, lines);
    }

    /** Lets the standby process exit unused. */
    @Override
    public synchronized void close() {
        closed = true;
        if (standby != null) standby.close();
        standby = null;
    }
}
