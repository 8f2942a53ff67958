package io.kvbench.chaos.campaign;

import io.kvbench.chaos.client.ChaosClient;
import io.kvbench.chaos.client.ClientOutcome;
import io.kvbench.chaos.history.HistoryOp;
import io.kvbench.chaos.history.HistoryRecorder;
import io.kvbench.chaos.history.OperationKind;
import io.kvbench.chaos.history.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.concurrent.locks.LockSupport;

/**
 * The campaign's load: unique-key writers ({@code <prefix>c<process>-<seq>} = {@code v<seq>}) and register
 * clients (put/get/cas on {@code <prefix>r0..}, see {@link CampaignKeys}), one thread and one outstanding operation per process, each paced at a fixed
 * rate. Every operation goes to history.csv; completions are also kept in memory for the trial timings and the
 * time series. Latency is measured from the intended send time (start + n / rate), so a stall counts in full.
 */
final class Workload implements AutoCloseable {

    /** One finished operation. {@code completeNanos} is when the outcome was learned (or the client gave up). */
    record Completed(int process, OperationKind kind, String key, long intendedNanos, long invokeNanos,
                     long completeNanos, Outcome outcome, int servedBy, String previousValue) {
        boolean isWrite() {
            return kind != OperationKind.GET;
        }
    }

    private final CampaignSpec spec;
    private final CampaignKeys keys;
    private final IntFunction<ChaosClient> clients;
    private final HistoryRecorder recorder;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Completed> completed = new ArrayList<>();
    private final long[] lastSequence;
    private final List<Throwable> errors = new ArrayList<>();
    private long startNanos;

    Workload(CampaignSpec spec, CampaignKeys keys, IntFunction<ChaosClient> clients, HistoryRecorder recorder) {
        this.spec = spec;
        this.keys = keys;
        this.clients = clients;
        this.recorder = recorder;
        this.lastSequence = new long[spec.uniqueWriters() + spec.registerClients() + 1];
    }

    long startNanos() {
        return startNanos;
    }

    /** Starts the threads; the first operations are intended one interval after {@code startNanos} (may be ahead). */
    void start(long startNanos) {
        this.startNanos = startNanos;
        int processes = spec.uniqueWriters() + spec.registerClients();
        for (int process = 1; process <= processes; process++) {
            int p = process;
            boolean register = process > spec.uniqueWriters();
            Thread thread = new Thread(() -> run(p, register), "chaos-" + (register ? "register-" : "writer-") + p);
            thread.setDaemon(true);
            thread.setPriority(Campaign.CLIENT_THREAD_PRIORITY);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void run(int process, boolean register) {
        Random random = new Random(spec.seed() * 1_000_003L + process);
        long intervalNanos = (long) (1e9 / spec.ratePerThread());
        String[] lastSeen = new String[Math.max(1, spec.registerKeys())];
        try (ChaosClient client = clients.apply(process)) {
            for (long n = 1; !stopping.get(); n++) {
                long intended = startNanos + n * intervalNanos;
                long wait = intended - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                if (stopping.get()) break;
                if (register) {
                    registerOperation(client, process, n, intended, random, lastSeen);
                } else {
                    uniquePut(client, process, n, intended);
                }
            }
        } catch (Throwable t) {
            synchronized (errors) {
                errors.add(t);
            }
        }
    }

    private void uniquePut(ChaosClient client, int process, long seq, long intended) {
        String key = keys.uniqueKey(process, seq);
        String value = "v" + seq;
        long invoke = System.nanoTime();
        synchronized (lastSequence) {
            lastSequence[process] = seq;
        }
        ClientOutcome outcome = client.put(key, value);
        record(HistoryOp.put(process, key, value, invoke, completion(outcome), outcome.outcome()),
                new Completed(process, OperationKind.PUT, key, intended, invoke, outcome.completeNanos(), outcome.outcome(),
                        outcome.servedBy(), outcome.value()));
    }

    private void registerOperation(ChaosClient client, int process, long n, long intended, Random random, String[] lastSeen) {
        int index = random.nextInt(spec.registerKeys());
        String key = keys.registerKey(index);
        String value = "p" + process + "-" + n;
        int dice = random.nextInt(10);
        long invoke = System.nanoTime();
        if (dice < 4) {
            ClientOutcome outcome = client.get(key);
            if (outcome.ok()) lastSeen[index] = outcome.value();
            record(HistoryOp.get(process, key, invoke, completion(outcome), outcome.outcome(), outcome.value()),
                    new Completed(process, OperationKind.GET, key, intended, invoke, outcome.completeNanos(), outcome.outcome(), outcome.servedBy(), null));
        } else if (dice < 7) {
            ClientOutcome outcome = client.put(key, value);
            if (outcome.ok()) lastSeen[index] = value;
            record(HistoryOp.put(process, key, value, invoke, completion(outcome), outcome.outcome()),
                    new Completed(process, OperationKind.PUT, key, intended, invoke, outcome.completeNanos(), outcome.outcome(), outcome.servedBy(), null));
        } else {
            String expected = lastSeen[index];
            ClientOutcome outcome = client.cas(key, expected, value);
            if (outcome.ok()) lastSeen[index] = outcome.swapped() ? value : outcome.value();
            record(HistoryOp.cas(process, key, expected, value, invoke, completion(outcome), outcome.outcome(), outcome.swapped()),
                    new Completed(process, OperationKind.CAS, key, intended, invoke, outcome.completeNanos(), outcome.outcome(), outcome.servedBy(), null));
        }
    }

    /** An UNKNOWN operation never completed, as far as the checkers know (it may take effect any time later). */
    private static long completion(ClientOutcome outcome) {
        return outcome.outcome() == Outcome.UNKNOWN ? HistoryOp.NEVER_COMPLETED : outcome.completeNanos();
    }

    private void record(HistoryOp op, Completed done) {
        recorder.record(op);
        synchronized (completed) {
            completed.add(done);
        }
    }

    /** The first write acknowledged that was invoked at or after {@code fromNanos}: when the cluster served writes again. */
    OptionalLong firstAckAfter(long fromNanos) {
        long best = Long.MAX_VALUE;
        synchronized (completed) {
            for (int i = completed.size() - 1; i >= 0; i--) {
                Completed done = completed.get(i);
                if (done.completeNanos() - fromNanos < 0) break;
                if (done.isWrite() && done.outcome() == Outcome.OK && done.invokeNanos() - fromNanos >= 0) {
                    best = Math.min(best, done.completeNanos());
                }
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    List<Completed> completed() {
        synchronized (completed) {
            return List.copyOf(completed);
        }
    }

    /** Keys {@code <prefix>c<process>-<seq>} for every sequence a writer invoked. */
    List<String> uniqueKeys() {
        List<String> keys = new ArrayList<>();
        synchronized (lastSequence) {
            for (int process = 1; process <= spec.uniqueWriters(); process++) {
                for (long seq = 1; seq <= lastSequence[process]; seq++) keys.add(this.keys.uniqueKey(process, seq));
            }
        }
        return keys;
    }

    List<String> registerKeys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < spec.registerKeys() && spec.registerClients() > 0; i++) keys.add(this.keys.registerKey(i));
        return keys;
    }

    List<Throwable> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** Stops issuing operations and waits for each thread's last one to finish (bounded by its timeout). */
    void stop() throws InterruptedException {
        stopping.set(true);
        for (Thread thread : threads) {
            thread.join(spec.operationTimeout().toMillis() + 5_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
