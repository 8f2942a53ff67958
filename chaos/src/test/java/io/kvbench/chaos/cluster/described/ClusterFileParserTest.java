package io.kvbench.chaos.cluster.described;

import io.kvbench.chaos.cluster.ClusterTiming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterFileParserTest {
    /** Two nodes; node 2 overrides kill and has its own pid file. Edited by the bad-input tests. */
    private static final String VALID = """
            // comments are allowed
            {
              "target": "kvnode",
              "timing": {"electionTimeoutMinMillis": 150, "electionTimeoutMaxMillis": 300, "heartbeatMillis": 50},
              "commandTimeoutMillis": 2000,
              "vars": {"ssh": "ssh kv@{host}", "pidFile": "/run/kv.pid"},
              "commands": {
                "start": "{ssh} 'kvnode --id {id} --peers {peers} --clients {clients} --data-dir {dataDir} & echo $! > {pidFile}'",
                "stop": "{ssh} 'kill -TERM $(cat {pidFile})'",
                "kill": "{ssh} 'kill -KILL $(cat {pidFile})'",
                "pause": "{ssh} 'kill -STOP $(cat {pidFile})'",
                "resume": "{ssh} 'kill -CONT $(cat {pidFile})'"
              },
              "nodes": [
                {"id": 2, "host": "box2", "client": "10.0.0.2:8001", "peer": "10.0.0.2:7001", "dataDir": "/d2",
                 "vars": {"pidFile": "/run/two.pid"}, "commands": {"kill": "pkill -9 -F {pidFile} # on {clientHost}:{clientPort}"},
                 "eventLog": "/logs/n{id}/events.jsonl"},
                {"id": 1, "client": "10.0.0.1:8001", "peer": "10.0.0.1:7001", "dataDir": "/d1"}
              ]
            }
            """;

    @Test
    void readsTheFileAndRendersEveryCommand() {
        ClusterFile file = ClusterFileParser.parse(VALID, "c.json");
        assertThat(file.target()).isEqualTo("kvnode");
        assertThat(file.timing()).isEqualTo(new ClusterTiming(150, 300, 50));
        assertThat(file.commandTimeout()).isEqualTo(Duration.ofMillis(2000));
        assertThat(file.startTimeout()).isEqualTo(ClusterFileParser.DEFAULT_START_TIMEOUT);
        assertThat(file.nodes()).extracting(DescribedNode::id).containsExactly(1, 2);

        DescribedNode one = file.node(1).orElseThrow();
        assertThat(one.host()).isEqualTo("10.0.0.1");
        assertThat(one.command(NodeAction.START)).contains("ssh kv@10.0.0.1 'kvnode --id 1 --peers 1=10.0.0.1:7001,2=10.0.0.2:7001"
                + " --clients 1=10.0.0.1:8001,2=10.0.0.2:8001 --data-dir /d1 & echo $! > /run/kv.pid'");
        assertThat(one.command(NodeAction.KILL)).contains("ssh kv@10.0.0.1 'kill -KILL $(cat /run/kv.pid)'");
        assertThat(one.command(NodeAction.STATUS)).isEmpty();
        assertThat(one.eventLog()).isNull();

        DescribedNode two = file.node(2).orElseThrow();
        assertThat(two.host()).isEqualTo("box2");
        assertThat(two.client()).isEqualTo(new HostPort("10.0.0.2", 8001));
        assertThat(two.command(NodeAction.KILL)).contains("pkill -9 -F /run/two.pid # on 10.0.0.2:8001");
        assertThat(two.command(NodeAction.PAUSE)).contains("ssh kv@box2 'kill -STOP $(cat /run/two.pid)'");
        assertThat(two.eventLog()).isEqualTo(Path.of("/logs/n2/events.jsonl"));
    }

    @Test
    void theExampleInConfigIsValid() throws Exception {
        Path example = repositoryFile("config/cluster-example.json");
        ClusterFile file = ClusterFile.read(example);
        assertThat(file.nodes()).hasSize(3);
        assertThat(file.node(3).orElseThrow().command(NodeAction.KILL)).hasValueSatisfying(kill -> assertThat(kill)
                .startsWith("ssh ").contains("kvbench@192.0.2.13 'kill -KILL $(cat /var/run/kvbench/kvnode.pid)'"));
        assertThat(file.node(1).orElseThrow().command(NodeAction.ISOLATE)).hasValueSatisfying(isolate -> assertThat(isolate)
                .contains("--dport 7001"));
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path directory) {
        Path missing = directory.resolve("nope.json");
        assertThatThrownBy(() -> ClusterFile.read(missing)).hasMessage(missing + ": no such file");
    }

    @Test
    void badInputsGiveOneLineNamingTheFileAndTheEntry() {
        assertBad(VALID.replace("\"target\": \"kvnode\",", ""), "c.json: missing field 'target'");
        assertBad(VALID.replace("\"target\": \"kvnode\"", "\"target\": \"redis\""), "c.json: unknown target 'redis'; supported: kvnode");
        assertBad(VALID.replace("\"target\": \"kvnode\"", "\"target\": \"etcd\""), "c.json: target etcd is not supported");
        assertBad(VALID.replace("\"commandTimeoutMillis\"", "\"comandTimeoutMillis\""), "c.json: unknown field 'comandTimeoutMillis'");
        assertBad(VALID.replace(", \"heartbeatMillis\": 50", ""), "c.json: timing: missing field 'heartbeatMillis'");
        assertBad(VALID.replace("\"electionTimeoutMaxMillis\": 300", "\"electionTimeoutMaxMillis\": 100"),
                "c.json: timing: electionTimeoutMaxMillis 100 is below electionTimeoutMinMillis 150");
        assertBad(VALID.replace("{\"id\": 1,", "{\"id\": 2,"), "c.json: node 2: duplicate id");
        assertBad(VALID.replace("{\"id\": 1,", "{\"id\": 0,"), "c.json: nodes[1]: id must be a positive integer, not 0");
        assertBad(VALID.replace("{\"id\": 1,", "{"), "c.json: nodes[1]: missing field 'id'");
        assertBad(VALID.replace("\"client\": \"10.0.0.1:8001\", ", ""), "c.json: node 1: missing field 'client' (host:port)");
        assertBad(VALID.replace("\"10.0.0.1:8001\"", "\"10.0.0.1\""), "c.json: node 1: client '10.0.0.1' is not host:port");
        assertBad(VALID.replace("\"10.0.0.1:7001\"", "\"10.0.0.1:70001\""), "c.json: node 1: peer '10.0.0.1:70001' has port 70001");
        assertBad(VALID.replace(", \"peer\": \"10.0.0.1:7001\"", ""), "c.json: node 1: missing field 'peer' (host:port)");
        assertBad(VALID.replace("\"10.0.0.1:7001\"", "\"10.0.0.2:8001\""), "c.json: node 1: address 10.0.0.2:8001 is also node 2's");
        assertBad(VALID.replace("\"dataDir\": \"/d1\"", "\"datadir\": \"/d1\""), "c.json: node 1: unknown field 'datadir'");
        assertBad(VALID.replace(", \"dataDir\": \"/d1\"", ""), "c.json: node 1: command 'start' uses {dataDir} but the node has no dataDir");
        assertBad(VALID.replace("\"resume\": \"{ssh} 'kill -CONT $(cat {pidFile})'\"", "\"resume\": \"kill -CONT {pidfile}\""),
                "c.json: node 1: command 'resume' has unknown placeholder {pidfile}; known: client, clientHost, clientPort, clients,"
                        + " dataDir, host, id, peer, peerHost, peerPort, peers, pidFile, ssh");
        assertBad(VALID.replace("\"ssh\": \"ssh kv@{host}\"", "\"ssh\": \"ssh kv@{hostname}\""),
                "c.json: node 1: var 'ssh' has unknown placeholder {hostname}");
        assertBad(VALID.replace("\"ssh\":", "\"id\":"), "c.json: vars: 'id' is a built-in placeholder");
        assertBad(VALID.replace(",\n    \"resume\": \"{ssh} 'kill -CONT $(cat {pidFile})'\"", ""),
                "c.json: node 1: no 'resume' command (give it in the top-level or the node's commands)");
        assertBad(VALID.replace("\"stop\":", "\"terminate\":"), "c.json: commands: unknown action 'terminate'; one of start, stop, kill,");
        assertBad(VALID.replace("\"kill\": \"pkill", "\"kill\": \"  \", \"x\": \"pkill"), "c.json: node 2: commands: 'kill' must be a non-empty string");
        assertBad(VALID.replace("\"nodes\": [", "\"nodes\": [ 3,"), "c.json: nodes[0]: expected an object");
        assertBad(VALID.replace("/logs/n{id}/events.jsonl", "/logs/{eventLog}"), "c.json: node 2: eventLog uses {eventLog} but it is not available there");
        assertBad("{\"target\": \"kvnode\",\n \"nodes\": [}", "c.json: not valid JSON at line 2 column");
        assertBad("[]", "c.json: expected a JSON object");
    }

    @Test
    void optionalFieldsAndPlaceholdersAreOnlyNeededWhenUsed() {
        String minimal = VALID.replace(", \"dataDir\": \"/d1\"", "").replace(", \"dataDir\": \"/d2\"", "")
                .replace(" --data-dir {dataDir}", "");
        ClusterFile file = ClusterFileParser.parse(minimal, "c.json");
        assertThat(file.node(1).orElseThrow().dataDir()).isNull();
        assertThat(file.node(1).orElseThrow().command(NodeAction.START)).hasValueSatisfying(start -> assertThat(start).doesNotContain("{"));
    }

    private static void assertBad(String text, String messageStart) {
        assertThatThrownBy(() -> ClusterFileParser.parse(text, "c.json"))
                .isInstanceOf(ClusterFileException.class)
                .hasMessageStartingWith(messageStart)
                .hasMessageNotContaining("\n");
    }

    private static Path repositoryFile(String name) {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve(name))) return directory.resolve(name);
        }
        throw new AssertionError(name + " not found above " + Path.of("").toAbsolutePath());
    }
}
