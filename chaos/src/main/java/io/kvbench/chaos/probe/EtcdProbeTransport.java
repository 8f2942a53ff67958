package io.kvbench.chaos.probe;

import io.kvbench.bench.etcd.EtcdJson;
import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.OperationKind;
import io.kvbench.bench.target.Outcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probe writes to every etcd member's v3 JSON gateway ({@code POST /v3/kv/put}). HTTP/1.1 carries one request per
 * connection at a time, a write to a follower that still forwards to the dead leader hangs until etcd's own
 * request timeout (about 5 s), and one to a member that knows no leader waits inside it until it knows one (etcd's
 * raft node takes no proposal before), so every outstanding write holds a connection of its own: each member keeps
 * {@link #SPARE_CONNECTIONS} open and idle before the fault, and each write taken from them starts the opening
 * of a replacement at once, so a write finds one ready (a write that does not is counted in
 * {@link #freshConnections()}: it waited for a connect, on loopback about 0.1 ms). At most
 * {@link #MAX_CONNECTIONS_PER_MEMBER} per member; at the end of a trial the connections still holding a write are
 * closed (those writes are abandoned: the figure was already decided by an earlier answer).
 */
final class EtcdProbeTransport implements ProbeTransport {
    static final int SPARE_CONNECTIONS = 16;
    static final int MAX_CONNECTIONS_PER_MEMBER = 2048;
    private static final String PUT_PATH = EtcdJson.path(OperationKind.PUT);

    private final EventLoop loop;
    private final Gateway gateway;
    private final Map<Integer, Member> members = new LinkedHashMap<>();
    private final EtcdLeaderPoller poller;
    private int freshConnections;

    private static final class Member {
        final URI url;
        final InetSocketAddress address;
        final ArrayDeque<Channel> idle = new ArrayDeque<>();
        final Set<Channel> busy = new HashSet<>();
        int opening;
        boolean down;

        Member(URI url) {
            this.url = url;
            this.address = new InetSocketAddress(url.getHost(), url.getPort());
        }

        int connections() {
            return idle.size() + busy.size() + opening;
        }
    }

    EtcdProbeTransport(EventLoop loop, Class<? extends Channel> channelClass, Map<Integer, URI> clientUrls) {
        this.loop = loop;
        this.gateway = new Gateway(loop, channelClass);
        clientUrls.forEach((node, url) -> members.put(node, new Member(url)));
        this.poller = new EtcdLeaderPoller(gateway, clientUrls);
    }

    @Override
    public void prepare(long deadlineNanos) throws IOException, InterruptedException {
        CompletableFuture<Void> ready = onLoop(() -> {
            List<CompletableFuture<?>> opened = new ArrayList<>();
            for (Member member : members.values()) {
                member.down = false;
                member.idle.removeIf(channel -> !channel.isActive());
                opened.addAll(refill(member));
            }
            opened.add(poller.prepare());
            return CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new));
        });
        try {
            ready.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // A member slow to accept is left with fewer spare connections; its writes open their own.
        } catch (ExecutionException e) {
            throw new IOException("probe: preparing the etcd connections failed: " + e.getCause(), e.getCause());
        }
    }

    private CompletableFuture<Void> onLoop(java.util.function.Supplier<CompletableFuture<Void>> work) throws InterruptedException, IOException {
        try {
            return loop.submit(work::get).get();
        } catch (ExecutionException e) {
            throw new IOException("probe: " + e.getCause(), e.getCause());
        }
    }

    /** Opens connections until the member has its spare ones (idle or being opened); the futures of those opened. */
    private List<CompletableFuture<?>> refill(Member member) {
        List<CompletableFuture<?>> opened = new ArrayList<>();
        while (!member.down && member.idle.size() + member.opening < SPARE_CONNECTIONS
                && member.connections() < MAX_CONNECTIONS_PER_MEMBER) {
            member.opening++;
            CompletableFuture<Void> done = new CompletableFuture<>();
            opened.add(done);
            ChannelFuture connecting = gateway.connect(member.address);
            connecting.addListener(connected -> {
                member.opening--;
                if (connected.isSuccess()) {
                    Channel channel = connecting.channel();
                    member.idle.push(channel);
                    channel.closeFuture().addListener(closed -> member.idle.remove(channel));
                } else {
                    member.down = true; // refused: the member is gone (a kill); left alone for the rest of the trial
                }
                done.complete(null);
            });
        }
        return opened;
    }

    @Override
    public boolean canSend(int node) {
        Member member = members.get(node);
        return !member.down && (!member.idle.isEmpty() || member.connections() < MAX_CONNECTIONS_PER_MEMBER);
    }

    @Override
    public void send(int node, long sequence, String key, String value, AnswerCallback answer) {
        Member member = members.get(node);
        byte[] body = EtcdJson.requestBody(Operation.put(key, value.getBytes(StandardCharsets.UTF_8)));
        Channel channel = member.idle.poll();
        while (channel != null && !channel.isActive()) channel = member.idle.poll();
        if (channel != null) {
            post(member, channel, body, answer);
        } else {
            freshConnections++;
            member.opening++;
            ChannelFuture connecting = gateway.connect(member.address);
            connecting.addListener(connected -> {
                member.opening--;
                if (connected.isSuccess()) {
                    post(member, connecting.channel(), body, answer);
                } else {
                    member.down = true;
                    answer.answered(System.nanoTime(), ProbeWrite.Answer.LOST);
                }
            });
        }
        refill(member);
    }

    private void post(Member member, Channel channel, byte[] body, AnswerCallback answer) {
        member.busy.add(channel);
        Gateway.post(channel, member.url, PUT_PATH, body, new Gateway.Reply() {
            @Override
            public void answered(long nanos, int httpStatus, byte[] response) {
                member.busy.remove(channel);
                if (channel.isActive()) member.idle.push(channel);
                OpResult result = httpStatus == 200 ? EtcdJson.parseResponse(OperationKind.PUT, response) : OpResult.failed("http_" + httpStatus);
                answer.answered(nanos, result.outcome() == Outcome.OK ? ProbeWrite.Answer.ACKNOWLEDGED : ProbeWrite.Answer.REFUSED);
            }

            @Override
            public void lost(long nanos) {
                member.busy.remove(channel);
                member.down = true; // a connection with a write on it closed: the member died
                answer.answered(nanos, ProbeWrite.Answer.LOST);
            }
        });
    }

    @Override
    public void endTrial() {
        for (Member member : members.values()) {
            for (Channel channel : member.busy) Gateway.abandon(channel);
            member.busy.clear();
        }
        freshConnections = 0;
    }

    @Override
    public int freshConnections() {
        return freshConnections;
    }

    @Override
    public Optional<String> version() {
        return poller.version();
    }

    @Override
    public Optional<EtcdLeaderPoller> leaderPoller() {
        return Optional.of(poller);
    }

    @Override
    public void close() {
        if (loop.isShuttingDown()) return;
        try {
            loop.submit(() -> {
                endTrial();
                for (Member member : members.values()) {
                    member.idle.forEach(Channel::close);
                    member.idle.clear();
                }
                poller.close();
            }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // closing anyway: the event loop goes with the probe
        }
    }
}
