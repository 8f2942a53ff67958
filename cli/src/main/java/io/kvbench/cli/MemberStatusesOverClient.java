package io.kvbench.cli;

import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import io.kvbench.client.KvException;
import io.kvbench.node.RebuildCommand;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/** {@code kvbench node-rebuild}'s way to the other members: each one's status JSON, asked at its client address. */
final class MemberStatusesOverClient implements RebuildCommand.MemberStatusSource {
    @Override
    public Map<Integer, String> statusJson(Map<Integer, InetSocketAddress> members, Duration timeout) throws IOException {
        long timeoutMillis = timeout.toMillis();
        KvClientOptions options = KvClientOptions.defaults().withOperationTimeoutMillis(timeoutMillis)
                .withAttemptTimeoutMillis(Math.min(KvClientOptions.defaults().attemptTimeoutMillis(), timeoutMillis));
        Map<Integer, String> statuses = new TreeMap<>();
        try (KvClient client = KvClient.create(new ArrayList<>(members.values()), options)) {
            for (Map.Entry<Integer, InetSocketAddress> member : members.entrySet()) {
                try {
                    statuses.put(member.getKey(), KvClient.await(client.status(member.getValue())));
                } catch (KvException e) {
                    throw new IOException("node " + member.getKey() + " at " + member.getValue() + " did not answer ("
                            + e.getMessage() + "): every other member must be running", e);
                }
            }
        }
        return statuses;
    }
}
