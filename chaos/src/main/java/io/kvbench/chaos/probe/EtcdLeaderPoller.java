package io.kvbench.chaos.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.chaos.cluster.EtcdMemberStatus;
import io.kvbench.chaos.cluster.EtcdStatusProbe;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * etcd writes no event log, so its leader change is timed from outside: from the fault, every member is asked its
 * status ({@code POST /v3/maintenance/status}, what {@code etcdctl endpoint status} shows) on every probe round,
 * each on a connection of its own that carries nothing else, one request at a time (a member that does not answer
 * yet is not asked again until it does). Polling stops once the new leader has shown its new term. Every answer is
 * kept with when it left and arrived, so the leader's time comes with its error bar ({@link PolledLeader}).
 * Runs on the probe's event loop, apart from {@link #prepare}.
 */
public final class EtcdLeaderPoller {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EMPTY_BODY = "{}".getBytes(StandardCharsets.UTF_8);
    private static final String STATUS_PATH = "/v3/maintenance/status";
    /** A trial keeps no more answers than this (as many as {@link FailoverProbe#MAX_WRITES_PER_TRIAL} writes). */
    static final int MAX_POLLS_PER_TRIAL = FailoverProbe.MAX_WRITES_PER_TRIAL;

    private final Gateway gateway;
    private final Map<Integer, URI> urls;
    private final Map<Integer, Channel> channels = new LinkedHashMap<>();
    private final Map<Integer, EtcdMemberStatus> lastStatus = new LinkedHashMap<>();
    private volatile String version;
    // one trial's polling, on the event loop
    private List<StatusPoll> polls = new ArrayList<>();
    private long epoch;
    private boolean polling;
    private long faultNanos;
    private int oldLeader;
    private long oldTerm = -1;
    private int leaderNode = -1;
    private boolean sawReady;
    private CompletableFuture<Integer> leaderSeen = new CompletableFuture<>();

    EtcdLeaderPoller(Gateway gateway, Map<Integer, URI> urls) {
        this.gateway = gateway;
        this.urls = Map.copyOf(urls);
    }

    /**
     * On the event loop: (re)connects each member's status connection and asks each member once, which gives its
     * term before the fault and the version it runs. The future completes when every member answered or failed.
     */
    CompletableFuture<Void> prepare() {
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        lastStatus.clear();
        for (Map.Entry<Integer, URI> member : urls.entrySet()) {
            int node = member.getKey();
            CompletableFuture<Void> done = new CompletableFuture<>();
            asked.add(done);
            Channel channel = channels.get(node);
            if (channel != null && channel.isActive() && !Gateway.busy(channel)) {
                askOnce(node, channel, done);
            } else {
                if (channel != null) Gateway.abandon(channel);
                ChannelFuture connecting = gateway.connect(new InetSocketAddress(member.getValue().getHost(), member.getValue().getPort()));
                connecting.addListener(connected -> {
                    if (connected.isSuccess()) {
                        channels.put(node, connecting.channel());
                        askOnce(node, connecting.channel(), done);
                    } else {
                        channels.remove(node);
                        done.complete(null);
                    }
                });
            }
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new));
    }

    private void askOnce(int node, Channel channel, CompletableFuture<Void> done) {
        Gateway.post(channel, urls.get(node), STATUS_PATH, EMPTY_BODY, new Gateway.Reply() {
            @Override
            public void answered(long nanos, int httpStatus, byte[] body) {
                String text = new String(body, StandardCharsets.UTF_8);
                if (httpStatus == 200) EtcdStatusProbe.parse(text).ifPresent(status -> lastStatus.put(node, status));
                if (httpStatus == 200 && version == null) version = versionIn(text);
                done.complete(null);
            }

            @Override
            public void lost(long nanos) {
                done.complete(null);
            }
        });
    }

    private static String versionIn(String body) {
        try {
            JsonNode version = JSON.readTree(body).path("version");
            return version.isTextual() && !version.asText().isEmpty() ? version.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The version the members report ({@code version} in their status), once one answered. */
    Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** On the event loop: starts polling for a leader other than {@code oldLeader}, from the fault. */
    void start(long faultNanos, int oldLeader) {
        epoch++;
        polls = new ArrayList<>();
        polling = true;
        this.faultNanos = faultNanos;
        this.oldLeader = oldLeader;
        EtcdMemberStatus before = lastStatus.get(oldLeader);
        this.oldTerm = before != null ? before.term() : -1;
        leaderNode = -1;
        sawReady = false;
        leaderSeen = new CompletableFuture<>();
    }

    /** Completes with the new leader's node id when a poll first shows one. */
    CompletableFuture<Integer> leaderSeen() {
        return leaderSeen;
    }

    /** On the event loop, every probe round: asks each member that is not still answering the previous poll. */
    void tick(long nowNanos) {
        if (!polling || polls.size() >= MAX_POLLS_PER_TRIAL) return;
        for (Map.Entry<Integer, Channel> entry : channels.entrySet()) {
            Channel channel = entry.getValue();
            if (channel.isActive() && !Gateway.busy(channel)) poll(entry.getKey(), channel, nowNanos);
        }
    }

    private void poll(int node, Channel channel, long sentNanos) {
        long pollEpoch = epoch;
        Gateway.post(channel, urls.get(node), STATUS_PATH, EMPTY_BODY, new Gateway.Reply() {
            @Override
            public void answered(long nanos, int httpStatus, byte[] body) {
                if (pollEpoch != epoch || !polling || httpStatus != 200) return;
                EtcdStatusProbe.parse(new String(body, StandardCharsets.UTF_8)).ifPresent(status -> record(
                        new StatusPoll(node, sentNanos, nanos, status.isLeader(), status.term())));
            }

            @Override
            public void lost(long nanos) {
            }
        });
    }

    private void record(StatusPoll poll) {
        polls.add(poll);
        if (leaderNode < 0 && poll.leadsItself() && poll.node() != oldLeader) {
            leaderNode = poll.node();
            leaderSeen.complete(leaderNode);
        }
        if (poll.node() == leaderNode && poll.leadsItself() && poll.appliedTerm() > oldTerm) sawReady = true;
    }

    /** The new leader was seen and has shown its new term: nothing left to poll for. */
    boolean done() {
        return sawReady;
    }

    /** On the event loop: stops polling and reads the leader change off this trial's answers. */
    Optional<PolledLeader> stop() {
        polling = false;
        return PolledLeader.of(polls, oldLeader, oldTerm, faultNanos);
    }

    /** The old leader's applied term before the fault, -1 if it did not answer. */
    long oldTerm() {
        return oldTerm;
    }

    void close() {
        channels.values().forEach(Gateway::abandon);
        channels.clear();
    }
}
