package io.kvbench.bench.floor;

import io.kvbench.bench.net.NettyTransport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A skeleton node's event loop (one thread) and, for {@link MajorityWriteSkeleton.FsyncPlacement#SEPARATE_THREAD}, its fsync thread. */
record SkeletonThreads(EventLoopGroup group, EventLoop loop, ExecutorService fsyncExecutor,
        List<Long> threadIds) {

    static SkeletonThreads start(String name, MajorityWriteSkeleton.FsyncPlacement placement, List<EventLoopGroup> groups,
            List<ExecutorService> fsyncThreads) throws InterruptedException, ExecutionException {
        EventLoopGroup group = NettyTransport.newEventLoopGroup(1);
        groups.add(group);
        EventLoop loop = group.next();
        List<Long> ids = new ArrayList<>();
        ids.add(loop.submit(() -> Thread.currentThread().getId()).get());
        ExecutorService fsyncExecutor = null;
        if (placement == MajorityWriteSkeleton.FsyncPlacement.SEPARATE_THREAD) {
            fsyncExecutor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "skeleton-fsync-" + name);
                thread.setDaemon(true);
                return thread;
            });
            fsyncThreads.add(fsyncExecutor);
            ids.add(fsyncExecutor.submit(() -> Thread.currentThread().getId()).get());
        }
        return new SkeletonThreads(group, loop, fsyncExecutor, List.copyOf(ids));
    }
}
