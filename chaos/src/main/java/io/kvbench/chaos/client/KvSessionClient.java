package io.kvbench.chaos.client;

import io.kvbench.chaos.history.Outcome;
import io.kvbench.client.SessionRegistration;
import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ErrorCode;
import io.kvbench.net.NettyResources;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A minimal blocking kvnode session client for the chaos suite: registers a session through the log, follows
 * NotLeader redirects, and retries a write with the same (client id, sequence number) against whichever node
 * leads until the operation deadline, so a retried write is applied at most once (Raft thesis §6.3). An
 * operation given up on is UNKNOWN, and so is a retried write answered "session unknown"; FAIL only where no copy
 * of the write can have been applied. Used by one thread at a time. (Stands in for kvnode/client's KvClient,
 * which has the same semantics with pipelining.)
 */
public final class KvSessionClient implements ChaosClient {
    private final NettyResources netty;
    private final Map<Integer, InetSocketAddress> addresses;
    private final List<Integer> ids;
    private final Duration attemptTimeout;
    private final Duration operationTimeout;
    private ClientConnection connection;
    private int connectedTo;
    private int nextGuess;
    private long clientId = -1;
    private long nextSequence = 1;

    /**
     * @param attemptTimeout   one request's wait before trying again (same sequence number)
     * @param operationTimeout an operation's whole budget; then it is UNKNOWN
     */
    public KvSessionClient(NettyResources netty, Map<Integer, InetSocketAddress> clientAddresses, int firstGuess,
                           Duration attemptTimeout, Duration operationTimeout) {
        this.netty = netty;
        this.addresses = Map.copyOf(clientAddresses);
        this.ids = new ArrayList<>(new java.util.TreeMap<>(clientAddresses).keySet());
        this.attemptTimeout = attemptTimeout;
        this.operationTimeout = operationTimeout;
        this.nextGuess = Math.max(0, ids.indexOf(firstGuess));
    }

    /** The session's client id, registering it first if needed; -1 if registration did not succeed in time. */
    public long clientId() {
        if (clientId < 0) register();
        return clientId;
    }

    private void register() {
        // One registration id for all its retries: a retry whose first copy was applied gets that session.
        byte[] command = KvCommandCodec.encode(SessionRegistration.next(), 0);
        Attempt attempt = execute(command, false, System.nanoTime() + operationTimeout.toNanos());
        if (attempt.result instanceof KvResult.SessionRegistered registered) {
            clientId = registered.clientId();
        }
    }

    @Override
    public ClientOutcome put(String key, String value) {
        return write(seq -> new KvCommand.Put(clientId, seq, seq, key, bytes(value)));
    }

    @Override
    public ClientOutcome cas(String key, String expected, String value) {
        return write(seq -> new KvCommand.Cas(clientId, seq, seq, key, expected == null ? null : bytes(expected), bytes(value)));
    }

    @Override
    public ClientOutcome get(String key) {
        long deadline = System.nanoTime() + operationTimeout.toNanos();
        Attempt attempt = execute(KvCommandCodec.encode(new KvCommand.Get(key), 0), true, deadline);
        if (attempt.result instanceof KvResult.Value value) {
            return new ClientOutcome(Outcome.OK, string(value.value()), false, -1, -1, attempt.servedBy, System.nanoTime());
        }
        // A read changes nothing: not answered is as good as not applied.
        return new ClientOutcome(Outcome.FAIL, null, false, -1, -1, 0, System.nanoTime());
    }

    private interface WriteBuilder {
        KvCommand.Write build(long sequence);
    }

    private ClientOutcome write(WriteBuilder builder) {
        long deadline = System.nanoTime() + operationTimeout.toNanos();
        if (clientId < 0) register();
        if (clientId < 0) {
            // No session, nothing sent with a write id: the write was certainly not applied.
            return new ClientOutcome(Outcome.FAIL, null, false, -1, -1, 0, System.nanoTime());
        }
        long sequence = nextSequence++;
        byte[] command = KvCommandCodec.encode(builder.build(sequence), 0);
        Attempt attempt = execute(command, false, deadline);
        long now = System.nanoTime();
        if (attempt.result instanceof KvResult.Written written) {
            return new ClientOutcome(Outcome.OK, string(written.previousValue()), false, clientId, sequence, attempt.servedBy, now);
        }
        if (attempt.result instanceof KvResult.CasResult cas) {
            return new ClientOutcome(Outcome.OK, string(cas.currentValue()), cas.swapped(), clientId, sequence, attempt.servedBy, now);
        }
        if (attempt.result instanceof KvResult.QuotaExceeded) {
            // Refused for the quota: the refusal is the session's stored reply for this seq, so whichever copy was
            // applied first was refused, and a retry gets the same answer: not applied.
            return new ClientOutcome(Outcome.FAIL, null, false, clientId, sequence, attempt.servedBy, now);
        }
        if (attempt.result instanceof KvResult.SessionUnknown || attempt.result instanceof KvResult.TooManyPending) {
            // The state machine did not apply the copy it answered. If that was the only copy sent, the write was not
            // applied; after retries an earlier copy may have been, its reply lost and then its session evicted or
            // expired (issue 20, finding 5): unknown.
            long answeredClientId = clientId;
            if (attempt.result instanceof KvResult.SessionUnknown) clientId = -1;
            return new ClientOutcome(attempt.sends > 1 ? Outcome.UNKNOWN : Outcome.FAIL, null, false, answeredClientId,
                    sequence, attempt.sends > 1 ? 0 : attempt.servedBy, now);
        }
        return new ClientOutcome(Outcome.UNKNOWN, null, false, clientId, sequence, 0, now);
    }

    /** {@code sends}: copies of the request handed to a connection, each of which may have reached the log. */
    private record Attempt(KvResult result, int servedBy, int sends) {
    }

    /** Sends the command to the node believed to lead until it is answered with a result or the deadline passes. */
    private Attempt execute(byte[] payload, boolean read, long deadline) {
        int backoffMillis = 1;
        int sends = 0;
        while (System.nanoTime() - deadline < 0) {
            ClientConnection current = connection();
            if (current == null) {
                rotate();
                backoffMillis = pause(backoffMillis);
                continue;
            }
            long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            CompletableFuture<ClientResponse> future = read ? current.read(payload) : current.command(payload);
            sends++;
            ClientResponse response;
            try {
                response = future.get(Math.min(attemptTimeout.toMillis(), remainingMillis), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                dropConnection();
                rotate();
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (response instanceof ClientResponse.Result result) {
                return new Attempt(KvResultCodec.decode(result.result()), connectedTo, sends);
            }
            if (response instanceof ClientResponse.NotLeader notLeader) {
                if (notLeader.leaderId() > 0 && notLeader.leaderId() != connectedTo && addresses.containsKey(notLeader.leaderId())) {
                    switchTo(notLeader.leaderId());
                } else {
                    rotate();
                    backoffMillis = pause(backoffMillis);
                }
                continue;
            }
            if (response instanceof ClientResponse.Error error && error.code() == ErrorCode.MALFORMED) {
                throw new IllegalStateException("node rejected the request as malformed: " + error.message());
            }
            // OVERLOADED, TIMEOUT, STORAGE_FAILED, SHUTTING_DOWN: try again (same sequence number), maybe elsewhere.
            if (response instanceof ClientResponse.Error error && error.code() != ErrorCode.OVERLOADED) rotate();
            backoffMillis = pause(backoffMillis);
        }
        return new Attempt(null, 0, sends);
    }

    private static int pause(int millis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        return Math.min(millis * 2, 20);
    }

    private ClientConnection connection() {
        if (connection != null && connection.isOpen()) return connection;
        dropConnection();
        int id = ids.get(nextGuess % ids.size());
        try {
            connection = ClientConnection.connect(netty, addresses.get(id), 4 << 20, (int) attemptTimeout.toMillis())
                    .get(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
            connectedTo = id;
            return connection;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void switchTo(int id) {
        dropConnection();
        nextGuess = ids.indexOf(id);
    }

    private void rotate() {
        dropConnection();
        nextGuess = (nextGuess + 1) % ids.size();
    }

    private void dropConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
            connectedTo = 0;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        dropConnection();
    }
}
