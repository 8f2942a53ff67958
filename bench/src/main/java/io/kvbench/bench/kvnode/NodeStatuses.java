package io.kvbench.bench.kvnode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every node's status JSON, with the nodes' latency histograms, for the readings a benchmark takes before and after
 * a measurement. The nodes are asked all at once, so the readings are close together in time.
 */
public final class NodeStatuses {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STATUS_TIMEOUT_SECONDS = 5;

    private NodeStatuses() {
    }

    /**
     * The nodes' statuses, in the order given, each with its {@code latencyHistograms}.
     *
     * @throws IOException naming the node, when one does not answer in time or answers garbage
     */
    public static ArrayNode read(List<InetSocketAddress> nodes) throws IOException {
        ArrayNode statuses = JSON.createArrayNode();
        try (KvClient client = KvClient.create(nodes, KvClientOptions.defaults())) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (InetSocketAddress node : nodes) answers.add(client.status(node, true));
            for (int index = 0; index < nodes.size(); index++) {
                InetSocketAddress node = nodes.get(index);
                try {
                    statuses.add(JSON.readTree(answers.get(index).get(STATUS_TIMEOUT_SECONDS, TimeUnit.SECONDS)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted reading the status of " + node, e);
                } catch (ExecutionException e) {
                    throw new IOException("no status from " + node + ": " + e.getCause().getMessage(), e);
                } catch (TimeoutException e) {
                    throw new IOException("no status from " + node + " within " + STATUS_TIMEOUT_SECONDS + " s", e);
                } catch (IOException e) {
                    throw new IOException("no status from " + node + ": " + e.getMessage(), e);
                }
            }
        }
        return statuses;
    }
}
