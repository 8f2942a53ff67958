package io.kvbench.bench.floor;

import io.netty.channel.Channel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * The client's shared count of writes sent and answered, on its one event loop: times each write, reads every
 * node's threads' CPU time when warm-up ends and when the last write is answered.
 */
final class SkeletonClient {
    private final CompletableFuture<Histogram> done;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Histogram latencyNanos = new Histogram(3);
    private final int warmupWrites;
    private final int totalWrites;
    private final long[] threadIds;
    private final long[] cpuNanosAtStart;
    private final long[] cpuNanosMeasured;
    private int sent;
    private int answered;

    SkeletonClient(int warmupWrites, int totalWrites, List<Long> threadIds, CompletableFuture<Histogram> done) {
        this.done = done;
        this.warmupWrites = warmupWrites;
        this.totalWrites = totalWrites;
        this.threadIds = threadIds.stream().mapToLong(Long::longValue).toArray();
        this.cpuNanosAtStart = new long[threadIds.size()];
        this.cpuNanosMeasured = new long[threadIds.size()];
    }

    long[] cpuNanosMeasured() {
        return cpuNanosMeasured.clone();
    }

    /** Each connection sends its share of the writes in flight, one flush each. */
    void start(List<Channel> connections) {
        if (warmupWrites == 0) readCpu(cpuNanosAtStart);
        for (Channel channel : connections) {
            SkeletonClientConnection connection = channel.pipeline().get(SkeletonClientConnection.class);
            for (int i = 0; i < connection.inFlight && mayStartAnother(); i++) connection.sendNext(channel);
            channel.flush();
        }
    }

    boolean mayStartAnother() {
        return sent < totalWrites;
    }

    void recordSent() {
        sent++;
    }

    /** Counts one answer; returns whether to send another. */
    boolean answered(long elapsedNanos) {
        answered++;
        if (answered > warmupWrites) latencyNanos.recordValue(elapsedNanos);
        if (answered == warmupWrites) readCpu(cpuNanosAtStart);
        if (answered == totalWrites) {
            readCpu(cpuNanosMeasured);
            for (int i = 0; i < threadIds.length; i++) cpuNanosMeasured[i] -= cpuNanosAtStart[i];
            done.complete(latencyNanos);
            return false;
        }
        return mayStartAnother();
    }

    void fail(Throwable cause) {
        done.completeExceptionally(cause);
    }

    private void readCpu(long[] into) {
        for (int i = 0; i < threadIds.length; i++) into[i] = threads.getThreadCpuTime(threadIds[i]);
    }
}
