package io.kvbench.node;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BackgroundWriterTest {
    @Test
    void runsWritesInSubmissionOrderAndCloseWaitsForThemAll() {
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        BackgroundWriter writer = new BackgroundWriter("test-writer", 1000);
        for (int i = 0; i < 500; i++) {
            int value = i;
            assertThat(writer.submit(() -> written.add(value))).isTrue();
        }
        writer.close();
        assertThat(written).hasSize(500);
        for (int i = 0; i < 500; i++) assertThat(written.get(i)).isEqualTo(i);
    }

    @Test
    void theCallerNeverWaitsOnAFullQueueItCountsTheDrop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        BackgroundWriter writer = new BackgroundWriter("test-writer", 2);
        writer.submit(() -> {
            started.countDown();
            awaitQuietly(release);
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue(); // the thread holds the first write; the queue is empty
        assertThat(writer.submit(() -> written.add("a"))).isTrue();
        assertThat(writer.submit(() -> written.add("b"))).isTrue();
        assertThat(writer.submit(() -> written.add("c"))).as("third write into a queue of two").isFalse();
        assertThat(writer.droppedCount()).isEqualTo(1);
        release.countDown();
        writer.close();
        assertThat(written).containsExactly("a", "b");
    }

    @Test
    void aFailingWriteDoesNotStopTheOnesAfterIt() {
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        BackgroundWriter writer = new BackgroundWriter("test-writer", 10);
        writer.submit(() -> {
            throw new IllegalStateException("disk gone");
        });
        writer.submit(() -> {
            throw new AssertionError("an Error, not an exception");
        });
        writer.submit(() -> written.add("after"));
        writer.close();
        assertThat(written).containsExactly("after");
    }

    @Test
    void afterCloseAWriteRunsOnTheCallersThreadSoNothingIsLost() {
        BackgroundWriter writer = new BackgroundWriter("test-writer", 10);
        writer.close();
        List<String> threads = new ArrayList<>();
        assertThat(writer.submit(() -> threads.add(Thread.currentThread().getName()))).isTrue();
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
