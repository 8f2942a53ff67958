package io.kvbench.net;

import java.util.Map;

/**
 * One port's intake, for the node's status: connections open now, bytes of unfinished frames reserved now against
 * the budget, and the connections refused or dropped since the node started, by {@link Refusal#key()}.
 */
public record InboundStats(int connections, int maxConnections, long bufferedBytes, long bufferBudgetBytes,
                           Map<String, Long> refused) {
    public InboundStats {
        refused = Map.copyOf(refused);
    }
}
