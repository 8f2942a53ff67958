package io.kvbench.bench.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Threads told apart by the names /proc shows (Java thread names cut to 15 characters). */
class ThreadClassTest {

    @Test
    void aNodesWritePathThreads() {
        assertThat(ThreadClass.of("kvnode-1-1-1")).isEqualTo(ThreadClass.EVENT_LOOP); // Netty: pool kvnode-1, pool 1, thread 1
        assertThat(ThreadClass.of("kvnode-12-3-1")).isEqualTo(ThreadClass.EVENT_LOOP);
        assertThat(ThreadClass.of("wal-data")).isEqualTo(ThreadClass.WAL);
        assertThat(ThreadClass.of("wal-prealloc-da")).isEqualTo(ThreadClass.OTHER); // zero-fills the next segment
    }

    @Test
    void theGeneratorsThreads() {
        assertThat(ThreadClass.of("kvclient-2-1")).isEqualTo(ThreadClass.EVENT_LOOP);
        assertThat(ThreadClass.of("kvnode-target-1")).isEqualTo(ThreadClass.EVENT_LOOP); // kvnode-target-1-1, cut to 15
        assertThat(ThreadClass.of("multiThreadIoEv")).isEqualTo(ThreadClass.EVENT_LOOP); // the etcd target's, cut
        assertThat(ThreadClass.of("load-sender-0")).isEqualTo(ThreadClass.LOAD_SENDER);
    }

    @Test
    void theJvmsOwnWorkIsSplitOff() {
        assertThat(ThreadClass.of("C2 CompilerThre")).isEqualTo(ThreadClass.JIT);
        assertThat(ThreadClass.of("C1 CompilerThre")).isEqualTo(ThreadClass.JIT);
        assertThat(ThreadClass.of("VM Thread")).isEqualTo(ThreadClass.GC_VM);
        assertThat(ThreadClass.of("GC Thread#0")).isEqualTo(ThreadClass.GC_VM);
        assertThat(ThreadClass.of("G1 Conc#0")).isEqualTo(ThreadClass.GC_VM);
    }

    @Test
    void everythingElseIsOther() {
        for (String name : new String[] {"kvnode-1-events", "kvnode-1-log", "java", "Signal Dispatch", "etcd",
                "load-measure-s", "fsync-contended"}) {
            assertThat(ThreadClass.of(name)).as(name).isEqualTo(ThreadClass.OTHER);
        }
    }
}
