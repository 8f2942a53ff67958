package io.kvbench.chaos.netns;

import java.io.IOException;
import java.util.List;

/**
 * Runs {@link PartitionRules}' tc batches. A separate seam so the rules' bookkeeping (which filters a cut adds,
 * which a heal removes) is tested without root or tc; {@link StandbyTc} is the real one.
 */
interface TcRunner extends AutoCloseable {
    /** Runs the lines in one tc process, as soon as possible (a cut); stops at the first failing line. */
    IpCommand.Result runNow(List<String> lines) throws IOException;

    /** Runs every line in one tc process, going on past failures (a heal, a rollback). */
    IpCommand.Result runAll(List<String> lines) throws IOException;

    /** Releases any process kept ready. Never throws. */
    @Override
    void close();
}
