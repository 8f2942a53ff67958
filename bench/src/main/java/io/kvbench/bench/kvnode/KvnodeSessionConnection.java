package io.kvbench.bench.kvnode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.NettyResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client session on the leader's client port, straight over {@link ClientConnection}: the least a client
 * can do (no retries, no failover), for the JMH round trip, whose point is the node's cost and not the
 * client library's. Writes carry (clientId, seq, firstUnackedSeq) as the session rules ask (§6.3): the
 * lowest seq still awaiting its reply is tracked so pipelined writes keep a correct watermark.
 */
public final class KvnodeSessionConnection implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientConnection connection;
    private final long clientId;
    private final AtomicLong nextSeq = new AtomicLong(1);
    private final ConcurrentSkipListSet<Long> unackedSeqs = new ConcurrentSkipListSet<>();

    private KvnodeSessionConnection(ClientConnection connection, long clientId) {
        this.connection = connection;
        this.clientId = clientId;
    }

    /** Finds the leader among {@code nodes} (by each node's status), connects and registers a session. */
    public static KvnodeSessionConnection open(NettyResources netty, List<InetSocketAddress> nodes, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (InetSocketAddress node : nodes) {
                ClientConnection connection = await(ClientConnection.connect(netty, node), timeout);
                JsonNode status = JSON.readTree(((ClientResponse.Status) await(connection.status(), timeout)).json());
                if (!"LEADER".equals(status.path("role").asText())) {
                    connection.close();
                    continue;
                }
                ClientResponse registered = await(connection.command(
                        KvCommandCodec.encode(new KvCommand.RegisterSession(), System.currentTimeMillis())), timeout);
                if (registered instanceof ClientResponse.Result result
                        && KvResultCodec.decode(result.result()) instanceof KvResult.SessionRegistered session) {
                    return new KvnodeSessionConnection(connection, session.clientId());
                }
                connection.close();
            }
            try {
                Thread.sleep(20); // no leader yet: an election is running
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while looking for the leader", e);
            }
        }
        throw new IOException("no leader among " + nodes + " within " + timeout);
    }

    public long clientId() {
        return clientId;
    }

    public String statusJson(Duration timeout) throws IOException {
        return ((ClientResponse.Status) await(connection.status(), timeout)).json();
    }

    public CompletableFuture<ClientResponse> put(String key, byte[] value) {
        long[] seqAndWatermark = nextSeqAndWatermark();
        return write(seqAndWatermark[0], new KvCommand.Put(clientId, seqAndWatermark[0], seqAndWatermark[1], key, value));
    }

    public CompletableFuture<ClientResponse> compareAndSet(String key, byte[] expected, byte[] newValue) {
        long[] seqAndWatermark = nextSeqAndWatermark();
        return write(seqAndWatermark[0],
                new KvCommand.Cas(clientId, seqAndWatermark[0], seqAndWatermark[1], key, expected, newValue));
    }

    public CompletableFuture<ClientResponse> get(String key) {
        return connection.read(KvCommandCodec.encode(new KvCommand.Get(key), System.currentTimeMillis()));
    }

    /**
     * A fresh seq, registered as awaiting its reply, and the lowest seq that still does. Taken together under
     * a lock: were another thread to take seq n-1 but register it after we read the watermark, our watermark n
     * would tell the node to drop n-1's reply before n-1 is even applied.
     */
    private synchronized long[] nextSeqAndWatermark() {
        long seq = nextSeq.getAndIncrement();
        unackedSeqs.add(seq);
        return new long[] {seq, unackedSeqs.first()};
    }

    private CompletableFuture<ClientResponse> write(long seq, KvCommand.Write command) {
        return connection.command(KvCommandCodec.encode(command, System.currentTimeMillis()))
                .whenComplete((response, failure) -> unackedSeqs.remove(seq));
    }

    @Override
    public void close() {
        connection.close();
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout) throws IOException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException("request failed: " + e, e);
        }
    }
}
