package io.kvbench.client;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link KvClientStats}; incremented from any thread without a lock. */
final class ClientCounters {
    final LongAdder attempts = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder redirects = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder fanOutSends = new LongAdder();

    KvClientStats snapshot() {
        return new KvClientStats(attempts.sum(), retries.sum(), redirects.sum(), reconnects.sum(), timeouts.sum(), fanOutSends.sum());
    }
}
