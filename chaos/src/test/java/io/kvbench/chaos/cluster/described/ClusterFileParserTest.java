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
        assertBad(VALID.replace("\"target\": \"kvnode\"", "\"target\": \"redis\""), "c.json: unknown target 'redis'; supported: kvnode, etcd");
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

    /** Three etcd members; node 3 names itself and overrides its data directory. Edited by the etcd bad-input tests. */
    private static final String ETCD = """
            {
              "target": "etcd",
              "timing": {"electionTimeoutMillis": 500, "heartbeatMillis": 50},
              "vars": {"dir": "/srv/etcd/{name}", "token": "lab"},
              "commands": {
                "start": "etcd --name {name} --data-dir {dir} --listen-client-urls {clientUrl} --listen-peer-urls {peerUrl} --initial-cluster {initialCluster} --initial-cluster-token {token} & echo $! > {dir}.pid",
                "stop": "kill -TERM $(cat {dir}.pid)",
                "kill": "kill -KILL $(cat {dir}.pid)",
                "pause": "kill -STOP $(cat {dir}.pid)",
                "resume": "kill -CONT $(cat {dir}.pid)"
              },
              "nodes": [
                {"id": 1, "client": "127.0.0.1:12379", "peer": "127.0.0.1:12380"},
                {"id": 2, "client": "127.0.0.1:22379", "peer": "127.0.0.1:22380"},
                {"id": 3, "name": "infra-3", "client": "[::1]:32379", "peer": "[::1]:32380", "vars": {"dir": "/data/{name}"}}
              ]
            }
            """;

    @Test
    void readsAnEtcdFileWithItsOwnTimingAndPlaceholders() {
        ClusterFile file = ClusterFileParser.parse(ETCD, "c.json");
        assertThat(file.target()).isEqualTo("etcd");
        // etcd draws its election timeout from [t, 2t)
        assertThat(file.timing()).isEqualTo(new ClusterTiming(500, 1000, 50));
        String initialCluster = "etcd1=http://127.0.0.1:12380,etcd2=http://127.0.0.1:22380,infra-3=http://[::1]:32380";
        assertThat(file.node(1).orElseThrow().command(NodeAction.START)).contains("etcd --name etcd1 --data-dir /srv/etcd/etcd1"
                + " --listen-client-urls http://127.0.0.1:12379 --listen-peer-urls http://127.0.0.1:12380 --initial-cluster "
                + initialCluster + " --initial-cluster-token lab & echo $! > /srv/etcd/etcd1.pid");
        DescribedNode three = file.node(3).orElseThrow();
        assertThat(three.command(NodeAction.START)).hasValueSatisfying(start -> assertThat(start)
                .startsWith("etcd --name infra-3 --data-dir /data/infra-3 --listen-client-urls http://[::1]:32379 "));
        assertThat(three.command(NodeAction.KILL)).contains("kill -KILL $(cat /data/infra-3.pid)");
        assertThat(three.clientUrl()).hasToString("http://[::1]:32379");
        assertThat(three.eventLog()).isNull();
    }

    @Test
    void theEtcdExampleInConfigIsValid() throws Exception {
        ClusterFile file = ClusterFile.read(repositoryFile("config/cluster-etcd-example.json"));
        assertThat(file.target()).isEqualTo("etcd");
        assertThat(file.nodes()).hasSize(3);
        assertThat(file.timing()).isEqualTo(new ClusterTiming(500, 1000, 50));
        assertThat(file.node(2).orElseThrow().command(NodeAction.START)).hasValueSatisfying(start -> assertThat(start)
                .contains("etcd --name etcd2 --data-dir /tmp/kvbench-etcd-example/etcd2/data")
                .contains("--initial-cluster etcd1=http://127.0.0.1:12380,etcd2=http://127.0.0.1:22380,etcd3=http://127.0.0.1:32380 ")
                .contains("--heartbeat-interval 50 --election-timeout 500")
                .endsWith("& echo $! > /tmp/kvbench-etcd-example/etcd2/etcd.pid"));
        assertThat(file.node(3).orElseThrow().command(NodeAction.KILL)).contains("kill -KILL $(cat /tmp/kvbench-etcd-example/etcd3/etcd.pid)");
    }

    @Test
    void anotherTargetsFieldsAndPlaceholdersAreNamedAsSuch() {
        assertBad(VALID.replace("\"target\": \"kvnode\"", "\"target\": \"etcd\""),
                "c.json: timing: 'electionTimeoutMinMillis' is for kvnode files; etcd has one --election-timeout (it randomizes over [t, 2t)): give electionTimeoutMillis");
        assertBad(VALID.replace("\"heartbeatMillis\": 50}", "\"heartbeatMillis\": 50, \"electionTimeoutMillis\": 300}"),
                "c.json: timing: 'electionTimeoutMillis' is for etcd files; kvnode draws its election timeout from [electionTimeoutMinMillis, electionTimeoutMaxMillis]");
        assertBad(VALID.replace("{\"id\": 1,", "{\"id\": 1, \"name\": \"one\","),
                "c.json: node 1: 'name' is for etcd files (an etcd member's --name; a kvnode is known by its id); this file's target is kvnode");
        assertBad(VALID.replace("--clients {clients}", "--clients {initialCluster}"),
                "c.json: node 1: command 'start' uses {initialCluster}, which only etcd files have (etcd's --initial-cluster list); "
                        + "kvnode files have {peers}, {clients}, {eventLog}");
        assertBad(ETCD.replace("{\"id\": 2, ", "{\"id\": 2, \"eventLog\": \"/e.jsonl\", "),
                "c.json: node 2: 'eventLog' is for kvnode files (the node's role-change event log; etcd writes none, so its elections"
                        + " are timed by polling status); this file's target is etcd");
        assertBad(ETCD.replace("--initial-cluster {initialCluster}", "--initial-cluster {peers}"),
                "c.json: node 1: command 'start' uses {peers}, which only kvnode files have (kvnode's --peers list); "
                        + "etcd files have {name}, {clientUrl}, {peerUrl}, {initialCluster}");
    }

    @Test
    void badEtcdInputsGiveOneLineNamingTheFileAndTheEntry() {
        assertBad(ETCD.replace("\"electionTimeoutMillis\": 500", "\"electionTimeoutMillis\": 200"),
                "c.json: timing: electionTimeoutMillis 200 is under 5 x heartbeatMillis 50, which etcd refuses to start with");
        assertBad(ETCD.replace("\"electionTimeoutMillis\": 500, ", ""), "c.json: timing: missing field 'electionTimeoutMillis'");
        assertBad(ETCD.replace("\"name\": \"infra-3\"", "\"name\": \"etcd2\""), "c.json: node 3: name 'etcd2' is also node 2's");
        assertBad(ETCD.replace("\"name\": \"infra-3\"", "\"name\": \"a=b\""), "c.json: node 3: name 'a=b' must be letters, digits");
        assertBad(ETCD.replace(", \"peer\": \"127.0.0.1:22380\"", ""), "c.json: node 2: missing field 'peer' (host:port)");
        assertBad(ETCD.replace("\"token\": \"lab\"", "\"initialCluster\": \"x\""), "c.json: vars: 'initialCluster' is a built-in placeholder");
        assertBad(ETCD.replace("{\"id\": 2, ", "{\"id\": 2, \"nmae\": \"x\", "), "c.json: node 2: unknown field 'nmae'; known: client, commands,"
                + " dataDir, host, id, name, peer, vars");
        // a kvnode file may have a var called name: it is only etcd's placeholder
        assertThat(ClusterFileParser.parse(VALID.replace("\"ssh\": \"ssh kv@{host}\"", "\"name\": \"kv{id}\", \"ssh\": \"ssh kv@{host}\"")
                        .replace("\"stop\": \"{ssh} '", "\"stop\": \"{ssh} {name} '"), "c.json")
                .node(1).orElseThrow().command(NodeAction.STOP)).contains("ssh kv@10.0.0.1 kv1 'kill -TERM $(cat /run/kv.pid)'");
        // vars use built-in placeholders, not each other: a var called name is no exception
        assertBad(VALID.replace("\"ssh\": \"ssh kv@{host}\"", "\"name\": \"kv{id}\", \"ssh\": \"ssh kv@{name}\""),
                "c.json: node 1: var 'ssh' has unknown placeholder {name}");
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
