package io.kvbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.floor.MajorityWriteSkeleton;
import io.kvbench.bench.load.LoadMode;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.proc.CpuCost;
import io.kvbench.bench.proc.ThreadClass;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** What kvbench load and the demo print about the floors and the CPU per write, from fixed figures. */
class CostLinesTest {

    /** rtt p50 43, p99 80; lone fsync p50 120; 3 at once, the majority's, p50 180, p99 900. */
    private static final FloorResult FLOOR = new FloorResult(Path.of("."), 1000, 120, 700, 43, 80, "epoll",
            FloorResult.PREALLOCATED, 240, 1400, 120, 700, 3, 180, 900, 175, 950);

    /** Over 1000 writes: node 2 spent 1760 us each (1200 event loop, 400 WAL, 160 compiling), the generator 700. */
    private static CpuCost cpu(Map<String, String> unmeasured) {
        CpuCost.ProcessCost node = new CpuCost.ProcessCost("node2", 12, new CpuCost.Usage(20, 176, 100, 76, 3000, 40),
                Map.of(ThreadClass.EVENT_LOOP, new CpuCost.Usage(1, 120, 60, 60, 1000, 10),
                        ThreadClass.WAL, new CpuCost.Usage(1, 40, 10, 30, 2000, 30),
                        ThreadClass.JIT, new CpuCost.Usage(2, 16, 16, 0, 0, 0)));
        CpuCost.ProcessCost generator = new CpuCost.ProcessCost("generator", 13, new CpuCost.Usage(30, 70, 50, 20, 500, 5),
                Map.of(ThreadClass.LOAD_SENDER, new CpuCost.Usage(1, 70, 50, 20, 500, 5)));
        List<String> names = unmeasured.isEmpty() ? List.of("node2", "generator") : List.of("node1", "node2", "generator");
        return new CpuCost(1000, 10.0, names, List.of(node, generator), unmeasured, 87.0);
    }

    @Test
    void latencyIsGivenAsMultiplesOfBothFloors() {
        Histogram latency = new Histogram(3);
        latency.recordValueWithCount(532, 98);
        latency.recordValueWithCount(1590, 2);
        LoadSummary summary = new LoadSummary("kvnode", LoadMode.CLOSED_LOOP, 0, 100, 100, 0, 0, Map.of(), latency,
                latency, 1, 0, FLOOR, Path.of("."), null);

        String lines = String.join("\n", CostLines.floorLines(FLOOR, summary, "the local cluster's data directory"));

        assertThat(lines).contains("measured before the load, the nodes idle", "3 nodes sharing one disk",
                "2 x rtt p50 43 us + fsync of 3 at once, the majority's, p50 180 us = 266 us (p99: 2 x 80 + 900 = 1060 us)",
                "single fsync: fsync p50 120 us + rtt p50 43 us = 163 us",
                "latency over the majority-write floor: p50 2.00x, p99 1.50x", "over the single-fsync floor: p50 3.26x");
    }

    @Test
    void cpuPerWriteOfEachProcessWithItsThreadsAndTheLeaderNamed() {
        String lines = String.join("\n", CostLines.cpuLines(cpu(Map.of()), 2));

        assertThat(lines).contains("over the measured span (10.0 s, 1000 writes; machine 87 % busy)",
                "all processes: 2460.0 us (2300.0 without JIT compiling), 3.5 voluntary context switches",
                "node2 (leader at the end): 1760.0 us (user 1000.0, system 760.0; event loop 1200.0, wal 400.0, jit 160.0), "
                        + "3.0 voluntary context switches",
                "generator: 700.0 us");
    }

    @Test
    void unmeasuredProcessesAreNamedWithWhyAndThereIsNoTotal() {
        String lines = String.join("\n", CostLines.cpuLines(cpu(Map.of("node1", "--nodes given")), null));

        assertThat(lines).doesNotContain("all processes", "(leader").contains("not measured: node1 (--nodes given)");
    }

    private static final CostLines.RunShape SEQUENTIAL = new CostLines.RunShape(1, 1);

    @Test
    void theCpuFloorOfEachPlacementAndEachProcessOverItsRole() {
        FloorResult floor = new FloorResult(Path.of("."), 1000, 120, 700, 43, 80, "epoll", FloorResult.PREALLOCATED, 240,
                1400, 120, 700, 3, 180, 900, 175, 950, List.of(
                        new MajorityWriteSkeleton.Result(MajorityWriteSkeleton.FsyncPlacement.EVENT_LOOP, 3, 1000, 250,
                                400, 80, 55, 20),
                        new MajorityWriteSkeleton.Result(MajorityWriteSkeleton.FsyncPlacement.SEPARATE_THREAD, 3, 1000,
                                280, 450, 110, 80, 25),
                        new MajorityWriteSkeleton.Result(MajorityWriteSkeleton.FsyncPlacement.SEPARATE_THREAD, 3, 20000,
                                900, 2500, 7, 3.5, 3, 64, 16)));

        String asLeader = String.join("\n", CostLines.cpuFloorLines(floor, cpu(Map.of()), 2, SEQUENTIAL));
        String asFollower = String.join("\n", CostLines.cpuFloorLines(floor, cpu(Map.of()), 1, SEQUENTIAL));

        // node2 1760 us, generator 700 us, all 2460 us (see cpu()).
        assertThat(asLeader).contains("one in flight", "fsync on the event loop:   leader 80.0, follower 55.0, client 20.0, "
                        + "total 210.0 us per write; this run over it: node2 (leader) 22.0x, generator 35.0x, all 11.7x",
                "fsync on a WAL thread:     leader 110.0, follower 80.0, client 25.0, total 295.0 us per write; "
                        + "this run over it: node2 (leader) 16.0x, generator 28.0x, all 8.3x");
        assertThat(asFollower).contains("node2 32.0x"); // 1760 / 55, against the follower's floor
        // The batched floor is given, without ratios for a sequential run; a run of its shape gets them there only.
        String batchedRun = String.join("\n", CostLines.cpuFloorLines(floor, cpu(Map.of()), 2,
                new CostLines.RunShape(64, 16)));
        assertThat(batchedRun).endsWith("total 17.0 us per write; this run over it: node2 (leader) 251.4x, generator 233.3x,"
                + " all 144.7x").contains("total 295.0 us per write\n");
        assertThat(String.join("\n", CostLines.cpuFloorLines(floor, cpu(Map.of()), 2, null))).doesNotContain("this run");
        assertThat(asLeader).endsWith("fsync on a WAL thread, 64 in flight on 16 connections: leader 7.0, follower 3.5,"
                + " client 3.0, total 17.0 us per write");
        assertThat(String.join("\n", CostLines.cpuFloorLines(floor, cpu(Map.of()), null, SEQUENTIAL)))
                .contains("this run over it: all 11.7x").doesNotContain("node2");
        assertThat(String.join("\n", CostLines.cpuFloorLines(floor, null, 2, SEQUENTIAL))).doesNotContain("this run");
        assertThat(CostLines.cpuFloorLines(FLOOR, cpu(Map.of()), 2, SEQUENTIAL)).isEmpty(); // no skeleton runs
    }

    @Test
    void theLeaderIsTheNodeWhoseStatusSaysSo() throws Exception {
        ArrayNode statuses = (ArrayNode) new ObjectMapper().readTree(
                "[{\"nodeId\": 1, \"role\": \"FOLLOWER\"}, {\"nodeId\": 3, \"role\": \"LEADER\"}]");
        assertThat(CostLines.leaderNodeId(statuses)).isEqualTo(3);
        assertThat(CostLines.leaderNodeId(null)).isNull();
        assertThat(CostLines.leaderNodeId(new ObjectMapper().createArrayNode())).isNull();
    }
}
