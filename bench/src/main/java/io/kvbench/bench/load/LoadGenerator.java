package io.kvbench.bench.load;

import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.proc.CpuCost;
import io.kvbench.bench.proc.CpuUsage;
import io.kvbench.bench.proc.JvmPauses;
import io.kvbench.bench.proc.MeasuredProcesses;
import io.kvbench.bench.proc.SchedulerWait;
import io.kvbench.bench.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives a {@link Target} with a {@link LoadSpec} and writes the results to a directory: {@code latency.hlog},
 * {@code timeseries.csv}, {@code latency.hgrm}, {@code service.hgrm}, {@code summary.csv}, {@code run.json}.
 *
 * <p>The caller opens and closes the target. Sender threads ({@link Sender}) or the target's own I/O thread
 * ({@link LoopPacer}) pace and send, as the spec's {@link LoadPacing} says; the calling
 * thread reports once a second: interval histograms to the log, a row to the time series, a progress line
 * to stderr ({@link #run}); or the same on a thread of its own until stopped ({@link #start}).
 */
public final class LoadGenerator {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Lets the sender threads start before the first intended send. */
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final LoadSpec spec;
    private final Target target;
    private final Path outputDirectory;
    private final FloorResult floor;
    /** Progress lines and the saturation warning; off for a run in the background. */
    private final boolean printToStderr;
    private final RunCounters counters = new RunCounters();
    private final Histogram totalLatencyMicros = MicrosHistograms.newHistogram();
    private final Histogram totalServiceMicros = MicrosHistograms.newHistogram();
    private final Instant startWallTime;
    private final RunClock clock;
    private volatile boolean stopped;
    /** Runs once when warm-up ends, on a thread of its own (see {@link #run(LoadSpec, Target, Path, FloorResult, Runnable)}). */
    private Runnable atMeasureStart;
    private Thread atMeasureStartThread;
    /** How long a run waits at its end for {@link #atMeasureStart} to finish, if it is still running. */
    private static final long MEASURE_START_JOIN_MILLIS = 60_000;
    /** Each pacer's sends and histograms: one per sender thread, or the one on the target's loop. */
    private List<RequestDispatch> dispatches;
    /** The pacer on the target's loop, if that paces this run (null: sender threads, or not started yet). */
    private volatile LoopPacer loopPacer;
    /** What paced this run: the spec's choice, or sender threads if the target has no loop to pace on. */
    private LoadPacing pacingUsed;
    /** Whose CPU the run measures over the measured span; null: none. */
    private MeasuredProcesses processes;
    /** The CPU sample at the end of warm-up, with the acknowledged operations then; null until taken. */
    private CpuUsage.Sample cpuAtMeasureStart;
    private long acknowledgedAtMeasureStart;
    private boolean measureStartHandled;
    /** The CPU over the measured span, once {@link #endCpuSpan()} has run. */
    private CpuCost cpuCost;

    /** The schedule starts here: the first request is intended a moment after construction. */
    LoadGenerator(LoadSpec spec, Target target, Path outputDirectory, FloorResult floor, boolean printToStderr) {
        this.spec = spec;
        this.target = target;
        this.outputDirectory = outputDirectory;
        this.floor = floor;
        this.printToStderr = printToStderr;
        startWallTime = Instant.now();
        clock = new RunClock(spec, System.nanoTime() + START_DELAY_NANOS, startWallTime.toEpochMilli()
                + TimeUnit.NANOSECONDS.toMillis(START_DELAY_NANOS));
    }

    public static LoadSummary run(LoadSpec spec, Target target, Path outputDirectory) throws IOException {
        return run(spec, target, outputDirectory, null);
    }

    /** As {@link #run(LoadSpec, Target, Path)}, reporting results beside a floor measured in the same run. */
    public static LoadSummary run(LoadSpec spec, Target target, Path outputDirectory, FloorResult floor)
            throws IOException {
        return run(spec, target, outputDirectory, floor, null);
    }

    /**
     * As {@link #run(LoadSpec, Target, Path, FloorResult)}, running {@code atMeasureStart} once when warm-up ends: to
     * read the target's own counters at the start of the measured span, so they cover what the histograms cover. It
     * runs on a thread of its own while the load goes on (the intervals keep their ticks however long it takes), and
     * the run waits for it (at most a minute) before it returns, so what it stored is visible to the caller then.
     * Without warm-up it runs before the clock starts, so its time is not charged to the first requests. An
     * exception from it is printed, not thrown: the run's results matter more than the reading. Null: no reading.
     */
    public static LoadSummary run(LoadSpec spec, Target target, Path outputDirectory, FloorResult floor,
            Runnable atMeasureStart) throws IOException {
        return run(spec, target, outputDirectory, floor, atMeasureStart, true);
    }

    /**
     * As {@link #run(LoadSpec, Target, Path, FloorResult, Runnable)}; {@code progress} false leaves out the progress
     * line every second and the saturation warning (for a caller that prints its own, e.g. a rate sweep).
     */
    public static LoadSummary run(LoadSpec spec, Target target, Path outputDirectory, FloorResult floor,
            Runnable atMeasureStart, boolean progress) throws IOException {
        return run(spec, target, outputDirectory, floor, atMeasureStart, progress, null);
    }

    /**
     * As {@link #run(LoadSpec, Target, Path, FloorResult, Runnable, boolean)}, also measuring the CPU of
     * {@code processes} (if not null) over the measured span, the latency figures' span: sampled in /proc when
     * warm-up ends (on the reporting thread, before {@code atMeasureStart} starts) and when the last operation has
     * completed, divided by the operations acknowledged in between ({@link CpuCost}; summary.csv and cpu.csv).
     */
    public static LoadSummary run(LoadSpec spec, Target target, Path outputDirectory, FloorResult floor,
            Runnable atMeasureStart, boolean progress, MeasuredProcesses processes) throws IOException {
        Files.createDirectories(outputDirectory);
        if (spec.warmup().isZero()) {
            if (atMeasureStart != null) runSafely(atMeasureStart);
            CpuUsage.Sample cpuAtStart = processes == null ? null : CpuUsage.sample(processes.pidsByName());
            LoadGenerator generator = new LoadGenerator(spec, target, outputDirectory, floor, progress);
            generator.processes = processes;
            generator.cpuAtMeasureStart = cpuAtStart;
            generator.schedulerAtIntervalStart = processes == null ? null : SchedulerWait.sample(processes.pidsByName());
            generator.pausesAtIntervalStart = processes == null ? null : JvmPauses.sample(processes.pidsByName());
            generator.measureStartHandled = true;
            return generator.run();
        }
        LoadGenerator generator = new LoadGenerator(spec, target, outputDirectory, floor, progress);
        generator.atMeasureStart = atMeasureStart;
        generator.processes = processes;
        return generator.run();
    }

    private static void runSafely(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException | Error e) {
            System.err.println("load: the reading at the end of warm-up failed: " + e);
        }
    }

    /**
     * Starts a run on a thread of its own that lasts until {@link BackgroundLoad#stop()} (or the spec's
     * duration, whichever comes first), without progress lines: for load that accompanies something else,
     * such as a chaos campaign. The caller opens the target before and closes it after {@link BackgroundLoad#finish()}.
     */
    public static BackgroundLoad start(LoadSpec spec, Target target, Path outputDirectory) throws IOException {
        Files.createDirectories(outputDirectory);
        return new BackgroundLoad(new LoadGenerator(spec, target, outputDirectory, null, false));
    }

    /** System.nanoTime() at the end of warm-up: {@code elapsed_s} 0 of timeseries.csv. */
    long measureStartNanos() {
        return clock.measureStartNanos;
    }

    /** Ends the schedule now (at the end of warm-up if that is later); what was sent is still awaited. */
    void stop() {
        stopped = true;
        clock.endNoLaterThan(System.nanoTime());
        // A pacer on the target's loop would notice at its next timer or completion; a stop should end it now.
        LoopPacer pacer = loopPacer;
        if (pacer != null) pacer.wake();
    }

    LoadSummary run() throws IOException {
        Semaphore permits = new Semaphore(spec.inFlightLimit());
        ScheduledExecutorService loop = spec.pacing() == LoadPacing.TARGET_EVENT_LOOP ? target.sendingLoop() : null;
        pacingUsed = loop != null ? LoadPacing.TARGET_EVENT_LOOP : LoadPacing.SENDER_THREADS;
        if (loop == null && spec.pacing() == LoadPacing.TARGET_EVENT_LOOP && printToStderr) {
            System.err.println("load: " + target.name() + " has no I/O thread to pace on; pacing with sender threads");
        }
        dispatches = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch sendersDone = new CountDownLatch(loop != null ? 1 : spec.senderThreads());
        // A sender thread that has sent its last request stays alive until the CPU at the end of the span is read:
        // /proc loses an exited thread's own figures, and the senders' would be lost in the generator's "other".
        CountDownLatch endOfSpanRead = new CountDownLatch(1);
        try (IntervalLog intervalLog = new IntervalLog(outputDirectory, clock.wallMillisAt(clock.measureStartNanos))) {
            if (loop != null) {
                LoopPacer pacer = new LoopPacer(spec, target, loop, permits, clock, counters, sendersDone);
                dispatches.add(pacer.dispatch);
                loopPacer = pacer;
                pacer.start();
            }
            for (int index = 0; loop == null && index < spec.senderThreads(); index++) {
                Sender sender = new Sender(index, spec, target, permits, clock, counters);
                dispatches.add(sender.dispatch);
                Thread thread = new Thread(() -> {
                    try {
                        sender.run();
                    } finally {
                        sendersDone.countDown();
                        awaitUninterruptibly(endOfSpanRead);
                    }
                }, "load-sender-" + index);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            report(intervalLog, sendersDone);
            endCpuSpan();
        } finally {
            endOfSpanRead.countDown();
            clock.abort();
            for (Thread thread : threads) {
                joinQuietly(thread);
            }
            joinMeasureStartReading();
        }
        LoadSummary summary = summarize();
        ResultFiles.writeAll(summary, spec);
        // A stopped run records the duration it ran, not the one it was allowed; every run the pacing it used.
        LoadSpec.Builder ranBuilder = spec.toBuilder().pacing(pacingUsed);
        if (stopped) ranBuilder.duration(Duration.ofNanos(Math.max(1, clock.endNanos() - clock.measureStartNanos)));
        LoadSpec ran = ranBuilder.build();
        RunInfo.write(outputDirectory.resolve("run.json"), ran, target.name(), target.fsyncMode(), floor,
                startWallTime, Instant.now());
        // A quiet run's caller judges the rate: under faults, timeouts lower it without any saturation.
        if (printToStderr && summary.saturated()) {
            System.err.println(summary.saturationMessage());
        }
        return summary;
    }

    /** Ticks on whole seconds from the end of warm-up, so every logged interval is a measured one. */
    private void report(IntervalLog intervalLog, CountDownLatch sendersDone) throws IOException {
        long warmupIntervals = (clock.measureStartNanos - clock.startNanos) / INTERVAL_NANOS;
        long previousTickNanos = clock.startNanos;
        long tickNanos = clock.measureStartNanos - warmupIntervals * INTERVAL_NANOS;
        if (tickNanos - clock.startNanos <= 0) {
            tickNanos += INTERVAL_NANOS;
        }
        while (true) {
            boolean finished = waitForTickOrFinish(tickNanos, sendersDone);
            long nowNanos = finished ? System.nanoTime() : tickNanos;
            if (!measureStartHandled && nowNanos - clock.measureStartNanos >= 0) {
                measureStartHandled = true;
                beginCpuSpan();
                startMeasureStartReading();
            }
            if (nowNanos - clock.measureStartNanos > 0) {
                writeInterval(intervalLog, Math.max(previousTickNanos, clock.measureStartNanos), nowNanos);
            }
            printProgress(nowNanos, nowNanos - previousTickNanos);
            if (finished) {
                return;
            }
            // Every operation is answered or timed out within the timeout; allow as much again before giving up.
            // Read each time: the end may have been brought forward.
            long drainDeadlineNanos = clock.endNanos() + 2 * spec.operationTimeout().toNanos() + INTERVAL_NANOS;
            if (nowNanos - drainDeadlineNanos > 0) {
                System.err.printf("load: %d operations still outstanding at the drain deadline; giving up on them%n",
                        counters.outstanding.sum());
                return;
            }
            previousTickNanos = tickNanos;
            tickNanos += INTERVAL_NANOS;
        }
    }

    /** The CPU sample at the end of warm-up, taken before anything else runs then (the reading below included). */
    private void beginCpuSpan() {
        if (processes == null) return;
        acknowledgedAtMeasureStart = counters.acknowledged.sum();
        cpuAtMeasureStart = CpuUsage.sample(processes.pidsByName());
        schedulerAtIntervalStart = SchedulerWait.sample(processes.pidsByName());
        pausesAtIntervalStart = JvmPauses.sample(processes.pidsByName());
    }

    /** The CPU spent since {@link #beginCpuSpan()}, per operation acknowledged since; called once all have completed. */
    private void endCpuSpan() {
        if (processes == null || cpuAtMeasureStart == null) return;
        CpuUsage.Sample end = CpuUsage.sample(processes.pidsByName());
        cpuCost = CpuCost.between(cpuAtMeasureStart, end, counters.acknowledged.sum() - acknowledgedAtMeasureStart,
                processes);
    }

    private void startMeasureStartReading() {
        if (atMeasureStart == null) return;
        Runnable hook = atMeasureStart;
        atMeasureStartThread = new Thread(() -> runSafely(hook), "load-measure-start");
        atMeasureStartThread.setDaemon(true);
        atMeasureStartThread.start();
    }

    private void joinMeasureStartReading() {
        Thread reading = atMeasureStartThread;
        if (reading == null) return;
        try {
            reading.join(MEASURE_START_JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reading.isAlive()) System.err.println("load: the reading at the end of warm-up still runs after a minute; not waiting");
    }

    /** True once all senders have stopped and nothing is outstanding. Polls every 10 ms between ticks. */
    private boolean waitForTickOrFinish(long tickNanos, CountDownLatch sendersDone) {
        while (true) {
            if (sendersDone.getCount() == 0 && counters.outstanding.sum() == 0) {
                return true;
            }
            long remaining = tickNanos - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(10)));
        }
    }

    private void writeInterval(IntervalLog intervalLog, long intervalStartNanos, long intervalEndNanos)
            throws IOException {
        Histogram intervalLatency = MicrosHistograms.newHistogram();
        for (RequestDispatch dispatch : dispatches) {
            intervalLatency.add(dispatch.latencyMicros.getIntervalHistogram());
            totalServiceMicros.add(dispatch.serviceMicros.getIntervalHistogram());
        }
        totalLatencyMicros.add(intervalLatency);
        intervalLatency.setStartTimeStamp(clock.wallMillisAt(intervalStartNanos));
        intervalLatency.setEndTimeStamp(clock.wallMillisAt(intervalEndNanos));
        intervalLog.write((intervalEndNanos - clock.measureStartNanos) / 1e9, intervalLatency,
                counters.intervalAnswered.sumThenReset(), counters.intervalErrors.sumThenReset(),
                counters.intervalTimeouts.sumThenReset(), schedulerInterval(), pausesInterval());
        lastIntervalLatencyMicrosP99 = intervalLatency.getValueAtPercentile(99);
    }

    private long lastIntervalLatencyMicrosP99;
    /** The measured processes' scheduler figures at the start of the interval being written (null: not measured). */
    private SchedulerWait.Sample schedulerAtIntervalStart;

    /** ... and their JVMs' stop-the-world time at the start of it (null: not measured). */
    private JvmPauses.Sample pausesAtIntervalStart;

    /** The interval's stop-the-world time of the measured processes' JVMs ({@link JvmPauses}), read on this thread. */
    private JvmPauses.Sample pausesInterval() {
        if (processes == null || pausesAtIntervalStart == null) return JvmPauses.Sample.UNREADABLE;
        JvmPauses.Sample now = JvmPauses.sample(processes.pidsByName());
        JvmPauses.Sample interval = now.minus(pausesAtIntervalStart);
        pausesAtIntervalStart = now;
        return interval;
    }

    /** The interval's CPU and run-queue wait of the measured processes ({@link SchedulerWait}), read on this thread. */
    private SchedulerWait.Sample schedulerInterval() {
        if (processes == null || schedulerAtIntervalStart == null) return SchedulerWait.Sample.UNREADABLE;
        SchedulerWait.Sample now = SchedulerWait.sample(processes.pidsByName());
        SchedulerWait.Sample interval = now.minus(schedulerAtIntervalStart);
        schedulerAtIntervalStart = now;
        return interval;
    }

    private void printProgress(long nowNanos, long intervalNanos) {
        if (!printToStderr) {
            counters.intervalCompletions.reset();
            return;
        }
        double elapsedSeconds = (nowNanos - clock.startNanos) / 1e9;
        double remainingSeconds = Math.max(0, (clock.endNanos() - nowNanos) / 1e9);
        double ratePerSecond = counters.intervalCompletions.sumThenReset() / Math.max(intervalNanos / 1e9, 1e-3);
        String phase = nowNanos - clock.measureStartNanos <= 0 ? "warm-up"
                : "p99 " + lastIntervalLatencyMicrosP99 + " us";
        System.err.printf(java.util.Locale.ROOT, "load %s: %6.1fs elapsed, ETA %5.1fs, %.0f ops/s%s, %s%n", target.name(), elapsedSeconds,
                remainingSeconds, ratePerSecond,
                spec.mode() == LoadMode.OPEN_LOOP ? String.format(java.util.Locale.ROOT, " (target %.0f)", spec.targetRatePerSecond()) : "",
                phase);
    }

    private LoadSummary summarize() {
        long lastCompletionNanos = counters.lastMeasuredCompletionNanos.get();
        long endNanos = clock.endNanos();
        long measuredNanos = endNanos - clock.measureStartNanos;
        if (lastCompletionNanos != Long.MIN_VALUE && lastCompletionNanos - endNanos > 0) {
            measuredNanos = lastCompletionNanos - clock.measureStartNanos;
        }
        double durationSeconds = measuredNanos / 1e9;
        long answered = counters.totalAnswered.sum();
        return new LoadSummary(target.name(), spec.mode(),
                spec.mode() == LoadMode.OPEN_LOOP ? spec.targetRatePerSecond() : 0,
                durationSeconds > 0 ? answered / durationSeconds : 0, answered, counters.totalErrors.sum(), counters.totalTimeouts.sum(),
                counters.errorsByKind(), totalLatencyMicros, totalServiceMicros, durationSeconds,
                spec.warmup().toNanos() / 1e9, floor, outputDirectory, cpuCost);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
