package io.kvbench.chaos.client;

import io.kvbench.chaos.history.Outcome;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import io.kvbench.client.KvException;
import io.kvbench.client.QuotaExceededException;
import io.kvbench.client.SessionExpiredException;
import io.kvbench.kv.KvResult;

import io.kvbench.net.NettyResources;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ChaosClient} over kvnode/client's {@link KvClient}, one call at a time. Outcomes: an answer is OK; a failed
 * write is FAIL only when the failure proves that no copy of it was applied ({@link KvException#mayHaveBeenApplied()}:
 * SessionUnknown or SequenceTooOld answered to the only copy sent, Rejected), else UNKNOWN: a timeout, a storage
 * failure, and SessionUnknown answered to a retry, whose first copy may have been applied before the session was
 * evicted or expired (issue 20, finding 5). A failed GET is FAIL (a read changes nothing). The node that served a call
 * is the client's current leader when the answer arrived.
 */
public final class KvClientChaosClient implements ChaosClient {
    private final KvClient client;
    private final Map<InetSocketAddress, Integer> idsByAddress;

    public KvClientChaosClient(KvClient client, Map<Integer, InetSocketAddress> clientAddresses) {
        this.client = client;
        this.idsByAddress = new java.util.HashMap<>();
        clientAddresses.forEach((id, address) -> idsByAddress.put(address, id));
    }

    /**
     * A client with a registered session over {@code netty}, the registration tried again until {@code patience}
     * passes: one try has the operation deadline, which a campaign may make short on purpose ({@code --op-timeout-ms}),
     * and its clients must start all the same.
     */
    public static KvClientChaosClient connect(Map<Integer, InetSocketAddress> clientAddresses, KvClientOptions options,
                                              NettyResources netty, Duration patience) {
        KvClient client = KvClient.create(new ArrayList<>(clientAddresses.values()), options, netty);
        long deadlineNanos = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                KvClient.await(client.reregister());
                return new KvClientChaosClient(client, clientAddresses);
            } catch (KvException e) {
                if (System.nanoTime() - deadlineNanos >= 0) {
                    client.close();
                    throw e;
                }
            }
        }
    }

    public KvClient client() {
        return client;
    }

    @Override
    public ClientOutcome put(String key, String value) {
        return write(client.put(key, bytes(value)), false);
    }

    @Override
    public ClientOutcome cas(String key, String expected, String value) {
        return write(client.compareAndSet(key, expected == null ? null : bytes(expected), bytes(value)), true);
    }

    @Override
    public ClientOutcome get(String key) {
        try {
            KvResult.Value value = KvClient.await(client.get(key));
            return new ClientOutcome(Outcome.OK, string(value.value()), false, -1, -1, servedBy(), System.nanoTime());
        } catch (KvException e) {
            return new ClientOutcome(Outcome.FAIL, null, false, -1, -1, 0, System.nanoTime());
        }
    }

    /** All reads in flight at once (the client bounds them), so reading back a campaign's keys takes seconds. */
    @Override
    public Map<String, ClientOutcome> readAll(java.util.List<String> keys) {
        Map<String, CompletableFuture<KvResult.Value>> futures = new java.util.LinkedHashMap<>();
        for (String key : keys) futures.put(key, client.get(key));
        Map<String, ClientOutcome> values = new java.util.LinkedHashMap<>();
        futures.forEach((key, future) -> {
            try {
                KvResult.Value value = KvClient.await(future);
                values.put(key, new ClientOutcome(Outcome.OK, string(value.value()), false, -1, -1, 0, System.nanoTime()));
            } catch (KvException e) {
                values.put(key, new ClientOutcome(Outcome.FAIL, null, false, -1, -1, 0, System.nanoTime()));
            }
        });
        return values;
    }

    private ClientOutcome write(CompletableFuture<? extends KvResult> future, boolean cas) {
        try {
            KvResult result = KvClient.await(future);
            long now = System.nanoTime();
            if (result instanceof KvResult.CasResult casResult) {
                return new ClientOutcome(Outcome.OK, string(casResult.currentValue()), casResult.swapped(), -1, -1, servedBy(), now);
            }
            KvResult.Written written = (KvResult.Written) result;
            return new ClientOutcome(Outcome.OK, string(written.previousValue()), false, -1, -1, servedBy(), now);
        } catch (QuotaExceededException refused) {
            // Refused by the state machine, and the refusal is the session's reply for this seq: no copy was applied.
            return new ClientOutcome(Outcome.FAIL, null, false, -1, -1, 0, System.nanoTime());
        } catch (KvException failed) {
            if (failed instanceof SessionExpiredException) {
                try {
                    KvClient.await(client.reregister());
                } catch (KvException ignored) {
                    // the next write tries again
                }
            }
            return new ClientOutcome(failed.mayHaveBeenApplied() ? Outcome.UNKNOWN : Outcome.FAIL, null, false, -1, -1, 0,
                    System.nanoTime());
        }
    }

    private int servedBy() {
        return client.currentLeader().map(address -> idsByAddress.getOrDefault(address, 0)).orElse(0);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
