package io.kvbench.cli;

import io.kvbench.chaos.campaign.CampaignSpec;
import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import io.kvbench.client.KvException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a campaign against a cluster that already holds campaign keys. The workload writes the same key names
 * every run ({@code c<writer>-<seq>}, registers {@code r0..}), and the checks read them as this run's: an earlier
 * campaign's values would count as duplicates and break linearizability. A cluster this command starts is always
 * empty; a described one outlives its campaigns. (Run-scoped key names in the workload would lift this.)
 */
final class FreshKeySpace {
    private FreshKeySpace() {
    }

    /** Reads the first key of every writer and every register; throws IOException naming a key that is present. */
    static void require(Cluster cluster, CampaignSpec spec) throws IOException {
        List<String> keys = new ArrayList<>();
        for (int writer = 1; writer <= spec.uniqueWriters(); writer++) keys.add("c" + writer + "-1");
        for (int register = 0; register < spec.registerKeys() && spec.registerClients() > 0; register++) keys.add("r" + register);
        List<InetSocketAddress> addresses = cluster.nodeIds().stream().map(cluster::clientAddress).toList();
        try (KvClient client = KvClient.create(addresses, KvClientOptions.defaults())) {
            for (String key : keys) {
                if (KvClient.await(client.get(key)).value() != null) {
                    throw new IOException("the cluster already holds key " + key + ", probably from an earlier campaign: campaigns"
                            + " write the same key names every run, so old values would read as violations; start the"
                            + " cluster again on empty data directories");
                }
            }
        } catch (KvException e) {
            throw new IOException("could not read the cluster's keys before the campaign: " + e.getMessage(), e);
        }
    }
}
