package io.kvbench.cli.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two versions' leader-kill campaigns with the same settings are one configuration: kvnode's target label names the
 * commit it was built from, which is what a comparison compares. (Before, `kvbench compare 82baf51 v0.11-election`
 * refused every leader-kill pair: "targetLabel ... kvnode 8cb1166, heartbeat 50 ms ..." differed by the commit.)
 * Other settings in the label, and etcd's version, still tell configurations apart.
 */
class ConfigurationReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aKvnodeLabelsCommitIsNotPartOfTheConfiguration() throws Exception {
        Configuration first = ConfigurationReader.chaos(campaign("kvnode 82baf51, heartbeat 50 ms, election 150-300 ms, "
                + "connection-closed hint on, probe 1 ms", "82baf517d414"), null).configuration();
        Configuration second = ConfigurationReader.chaos(campaign("kvnode 8cb1166, heartbeat 50 ms, election 150-300 ms, "
                + "connection-closed hint on, probe 1 ms", "8cb1166cb150"), null).configuration();
        assertThat(first).isEqualTo(second);
        assertThat(first.keys().get("targetLabel")).isEqualTo("kvnode, heartbeat 50 ms, election 150-300 ms, "
                + "connection-closed hint on, probe 1 ms");
    }

    @Test
    void otherSettingsInTheLabelAndEtcdsVersionStillDiffer() throws Exception {
        Configuration hintOn = ConfigurationReader.chaos(campaign("kvnode 82baf51, heartbeat 50 ms, election 150-300 ms, "
                + "connection-closed hint on, probe 1 ms", "82baf517d414"), null).configuration();
        Configuration hintOff = ConfigurationReader.chaos(campaign("kvnode 8cb1166, heartbeat 50 ms, election 150-300 ms, "
                + "connection-closed hint off, probe 1 ms", "8cb1166cb150"), null).configuration();
        assertThat(hintOn).isNotEqualTo(hintOff);
        assertThat(ConfigurationReader.withoutOwnCommit("etcd 3.4.23 (v3 JSON gateway), heartbeat 30 ms"))
                .isEqualTo("etcd 3.4.23 (v3 JSON gateway), heartbeat 30 ms");
        assertThat(ConfigurationReader.withoutOwnCommit("kvnode (commit unknown), heartbeat 30 ms"))
                .isEqualTo("kvnode, heartbeat 30 ms");
    }

    private static JsonNode campaign(String targetLabel, String commit) throws Exception {
        return JSON.readTree("{\"target\": \"kvnode\", \"clusterSize\": 3, \"electionTimeoutMinMillis\": 150,"
                + " \"electionTimeoutMaxMillis\": 300, \"heartbeatMillis\": 50, \"targetLabel\": \"" + targetLabel + "\","
                + " \"probeIntervalMillis\": 1, \"campaign\": {\"fault\": \"kill-leader\", \"loadRate\": 0,"
                + " \"gitSha\": \"" + commit + "\"}}");
    }
}
