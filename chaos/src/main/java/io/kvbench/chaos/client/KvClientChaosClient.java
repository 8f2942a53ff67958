package io.kvbench.chaos.client;

import io.kvbench.chaos.history.Outcome;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvException;
import io.kvbench.client.KvRejectedException;
import io.kvbench.client.QuotaExceededException;
import io.kvbench.client.SessionExpiredException;
import io.kvbench.kv.KvResult;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ChaosClient} over kvnode/client's {@link KvClient}, one call at a time. Outcomes: an answer is OK;
 * SessionExpired (SessionUnknown) and Rejected (SequenceTooOld, Rejected) say "not applied", so FAIL; a
 * timeout, storage failure or anything else may have been applied, so UNKNOWN. A failed GET is FAIL (a read
 * changes nothing). The node that served a call is the client's current leader when the answer arrived.
 */
public final class KvClientChaosClient implements ChaosClient {
    private final KvClient client;
    private final Map<InetSocketAddress, Integer> idsByAddress;

    public KvClientChaosClient(KvClient client, Map<Integer, InetSocketAddress> clientAddresses) {
        this.client = client;
        this.idsByAddress = new java.util.HashMap<>();
        clientAddresses.forEach((id, address) -> idsByAddress.put(address, id));
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
            return new ClientOutcome(Outcome.FAIL, null, false, -1, -1, 0, System.nanoTime()); // refused by every replica
        } catch (SessionExpiredException | KvRejectedException notApplied) {
            if (notApplied instanceof SessionExpiredException) {
                try {
                    KvClient.await(client.reregister());
                } catch (KvException ignored) {
                    // the next write tries again
                }
            }
            boolean certain = notApplied.getMessage() != null && notApplied.getMessage().contains("not applied")
                    || notApplied.getMessage() != null && notApplied.getMessage().contains("rejected:");
            return new ClientOutcome(certain ? Outcome.FAIL : Outcome.UNKNOWN, null, false, -1, -1, 0, System.nanoTime());
        } catch (KvException unknown) {
            return new ClientOutcome(Outcome.UNKNOWN, null, false, -1, -1, 0, System.nanoTime());
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
