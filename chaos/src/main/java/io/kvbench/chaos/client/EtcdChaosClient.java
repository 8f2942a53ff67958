package io.kvbench.chaos.client;

import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Target;
import io.kvbench.chaos.history.Outcome;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ChaosClient} over bench's etcd {@link Target} (shared by the campaign's threads; not closed here).
 * etcd has no client sessions. {@link io.kvbench.bench.etcd.EtcdTarget} fails over between members: it retries
 * a GET on another member after a connection failure or attempt timeout, but a write (PUT or CAS) only when the
 * request cannot have been sent; a write that may have been sent and got no answer comes back as TIMEOUT. Here a write that ends FAILED or TIMEOUT is UNKNOWN (etcd may have
 * applied it) and a read that does is FAIL; NOT_FOUND and CAS_MISMATCH are answers (OK). A PUT's previous value
 * is not returned, and the node that served a call is not known.
 */
public final class EtcdChaosClient implements ChaosClient {
    private final Target target;
    private final long timeoutMillis;

    public EtcdChaosClient(Target target, long timeoutMillis) {
        this.target = target;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public ClientOutcome put(String key, String value) {
        return call(Operation.put(key, bytes(value)), true);
    }

    @Override
    public ClientOutcome get(String key) {
        return call(Operation.get(key), false);
    }

    @Override
    public ClientOutcome cas(String key, String expected, String value) {
        return call(Operation.compareAndSet(key, expected == null ? null : bytes(expected), bytes(value)), true);
    }

    private ClientOutcome call(Operation operation, boolean write) {
        OpResult result;
        CompletableFuture<OpResult> future = target.execute(operation);
        try {
            result = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            result = OpResult.timeout();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = OpResult.timeout();
        }
        long now = System.nanoTime();
        switch (result.outcome()) {
            case OK:
                return new ClientOutcome(Outcome.OK, result.value() == null ? null : new String(result.value(), StandardCharsets.UTF_8),
                        operation.kind() == io.kvbench.bench.target.OperationKind.CAS, -1, -1, 0, now);
            case NOT_FOUND:
                return new ClientOutcome(Outcome.OK, null, false, -1, -1, 0, now);
            case CAS_MISMATCH:
                return new ClientOutcome(Outcome.OK, null, false, -1, -1, 0, now);
            default:
                return new ClientOutcome(write ? Outcome.UNKNOWN : Outcome.FAIL, null, false, -1, -1, 0, now);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
    }
}
