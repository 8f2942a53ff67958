package io.kvbench.bench.floor;

import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a node's per-turn work once after the event-loop turn that asked for it: a task queued behind the turn's reads,
 * as kvnode's driver works per turn. A task's exception reaches no handler, so it ends the measurement instead.
 */
final class SkeletonTurnEnd {
    private final EventLoop loop;
    private final Runnable work;
    private final CompletableFuture<?> done;
    private boolean queued;

    SkeletonTurnEnd(EventLoop loop, Runnable work, CompletableFuture<?> done) {
        this.loop = loop;
        this.work = work;
        this.done = done;
    }

    /** Asks for the work at the end of this turn; asking again in the same turn changes nothing. On the loop only. */
    void queue() {
        if (queued) return;
        queued = true;
        loop.execute(this::run);
    }

    private void run() {
        queued = false;
        try {
            work.run();
        } catch (Throwable thrown) {
            done.completeExceptionally(thrown);
        }
    }
}
