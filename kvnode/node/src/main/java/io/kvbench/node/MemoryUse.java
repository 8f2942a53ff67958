package io.kvbench.node;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The JVM's memory as the node's status reports it: what holds the node's state (the heap) and its network buffers
 * (direct memory: Netty's buffers, limited by {@code -XX:MaxDirectMemorySize}, which defaults to the heap's maximum).
 *
 * @param heapUsedBytes          heap in use now, garbage not yet collected included
 * @param heapMaxBytes           the heap's limit ({@code -Xmx})
 * @param heapPoolPeaksBytes     the sum over heap pools (eden, survivor, old) of each pool's peak since the JVM
 *                               started: an upper bound of the heap's peak (the pools peak at different moments)
 * @param heapOldPeakBytes       the peak of the old generation's pool (Tenured, Old Gen) since the JVM started: what
 *                               the node kept long enough to be promoted, its state and log among it; -1 where the
 *                               collector has no such pool
 * @param directUsedBytes        direct buffers allocated now
 */
public record MemoryUse(long heapUsedBytes, long heapMaxBytes, long heapPoolPeaksBytes, long heapOldPeakBytes,
                        long directUsedBytes) {
    static MemoryUse now() {
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long peaks = 0;
        long oldPeak = -1;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP || pool.getPeakUsage() == null) continue;
            peaks += pool.getPeakUsage().getUsed();
            if (pool.getName().contains("Old") || pool.getName().contains("Tenured")) oldPeak = pool.getPeakUsage().getUsed();
        }
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) direct = pool.getMemoryUsed();
        }
        return new MemoryUse(heap.getUsed(), heap.getMax(), peaks, oldPeak, direct);
    }
}
