package io.kvbench.bench.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPU per operation from two samples of a fake /proc: only the span between them counts, each live thread by its
 * own difference, and what the process spent beyond its live threads (threads that exited in the span) in "other".
 */
class CpuCostTest {
    private static final long NODE_PID = 100;
    private static final long GENERATOR_PID = 200;

    @TempDir
    Path root;

    /** Node 1 at the end of warm-up: its totals include 30 + 25 ticks of threads that exited before. */
    private FakeProc nodeAtMeasureStart(FakeProc proc) {
        return proc.process(NODE_PID, "java", 500, 1000, 500)
                .thread(NODE_PID, 100, "java", 500, 50, 10, 5, 1)
                .thread(NODE_PID, 101, "kvnode-1-1-1", 510, 600, 300, 1000, 20)
                .thread(NODE_PID, 102, "wal-data", 510, 100, 150, 2000, 5)
                .thread(NODE_PID, 103, "C1 CompilerThre", 505, 200, 10, 10, 1)
                .thread(NODE_PID, 104, "kvnode-1-snapsh", 800, 20, 5, 3, 0);
    }

    /**
     * At the end: the event loop spent 40 user + 80 system ticks, the WAL thread 10 + 30, the compiler 5 + 0; thread
     * 104 spent 3 + 2 more and exited; thread 105 was born and spent 4 + 1.
     */
    private FakeProc nodeAtEnd(FakeProc proc) {
        return proc.process(NODE_PID, "java", 500, 1062, 613)
                .thread(NODE_PID, 101, "kvnode-1-1-1", 510, 640, 380, 1500, 30)
                .thread(NODE_PID, 102, "wal-data", 510, 110, 180, 3000, 7)
                .thread(NODE_PID, 103, "C1 CompilerThre", 505, 205, 10, 12, 1)
                .threadExited(NODE_PID, 104)
                .thread(NODE_PID, 105, "kvnode-1-snapsh", 9000, 4, 1, 7, 0);
    }

    private FakeProc generatorAtMeasureStart(FakeProc proc) {
        return proc.process(GENERATOR_PID, "java", 400, 250, 80)
                .thread(GENERATOR_PID, 200, "java", 400, 0, 0, 3, 0)
                .thread(GENERATOR_PID, 201, "load-sender-0", 450, 50, 20, 100, 4)
                .thread(GENERATOR_PID, 202, "kvclient-2-1", 450, 200, 60, 400, 9);
    }

    private FakeProc generatorAtEnd(FakeProc proc) {
        return proc.process(GENERATOR_PID, "java", 400, 350, 130)
                .thread(GENERATOR_PID, 201, "load-sender-0", 450, 80, 40, 600, 4)
                .thread(GENERATOR_PID, 202, "kvclient-2-1", 450, 270, 90, 1400, 9);
    }

    private static MeasuredProcesses nodeAndGenerator() {
        java.util.LinkedHashMap<String, Long> pids = new java.util.LinkedHashMap<>();
        pids.put("node1", NODE_PID);
        pids.put("generator", GENERATOR_PID);
        return MeasuredProcesses.of(pids);
    }

    private CpuCost measure(MeasuredProcesses processes, long operations) {
        FakeProc proc = new FakeProc(root).machine(1000, 500, 8000, 500);
        generatorAtMeasureStart(nodeAtMeasureStart(proc));
        CpuUsage.Sample before = CpuUsage.sample(root, processes.pidsByName());
        generatorAtEnd(nodeAtEnd(proc)).machine(1300, 600, 8500, 600);
        CpuUsage.Sample after = CpuUsage.sample(root, processes.pidsByName());
        return CpuCost.between(before, after, operations, processes);
    }

    @Test
    void onlyTheSpanBetweenTheSamplesCountsDividedByTheOperationsInIt() {
        CpuCost cost = measure(nodeAndGenerator(), 1000);

        CpuCost.ProcessCost node = cost.process("node1");
        // 62 user + 113 system ticks of 10 ms in the span, over 1000 writes; the 1500 ticks before it do not count.
        assertThat(node.usage().userTicks()).isEqualTo(62);
        assertThat(node.usage().systemTicks()).isEqualTo(113);
        assertThat(cost.microsPerOperation(node.usage().cpuTicks())).isEqualTo(1750.0);
        assertThat(cost.microsPerOperation(node.usage().userTicks())).isEqualTo(620.0);
        CpuCost.ProcessCost generator = cost.process("generator");
        assertThat(cost.microsPerOperation(generator.usage().cpuTicks())).isEqualTo(1500.0);
        assertThat(cost.totalMicrosPerOperation()).hasValue(3250.0);
        assertThat(cost.unmeasured()).isEmpty();
        assertThat(cost.machineBusyPercent()).isEqualTo(40.0); // busy 1500 -> 1900 of 10000 -> 11000 ticks
    }

    @Test
    void eachThreadClassGetsItsThreadsDifferenceAndTheyAddUpToTheProcess() {
        CpuCost cost = measure(nodeAndGenerator(), 1000);
        Map<ThreadClass, CpuCost.Usage> node = cost.process("node1").threadClasses();

        assertThat(node.keySet()).containsExactly(ThreadClass.EVENT_LOOP, ThreadClass.WAL, ThreadClass.JIT, ThreadClass.OTHER);
        assertThat(cost.microsPerOperation(node.get(ThreadClass.EVENT_LOOP).cpuTicks())).isEqualTo(1200.0);
        assertThat(cost.microsPerOperation(node.get(ThreadClass.EVENT_LOOP).systemTicks())).isEqualTo(800.0);
        assertThat(cost.microsPerOperation(node.get(ThreadClass.WAL).cpuTicks())).isEqualTo(400.0);
        assertThat(cost.microsPerOperation(node.get(ThreadClass.JIT).cpuTicks())).isEqualTo(50.0);
        // Other: the born thread's 4 + 1 from zero, and the exited thread's 3 + 2 in the span, which only the
        // process's own total holds (so its user/system split is not known: the split is the live threads'); "java"
        // (thread 100) spent nothing.
        assertThat(node.get(ThreadClass.OTHER).cpuTicks()).isEqualTo(10);
        assertThat(node.get(ThreadClass.OTHER).userTicks()).isEqualTo(4);
        assertThat(node.get(ThreadClass.OTHER).systemTicks()).isEqualTo(1);
        assertThat(node.values().stream().mapToLong(CpuCost.Usage::cpuTicks).sum())
                .isEqualTo(cost.process("node1").usage().cpuTicks());

        Map<ThreadClass, CpuCost.Usage> generator = cost.process("generator").threadClasses();
        assertThat(generator.keySet()).containsExactly(ThreadClass.EVENT_LOOP, ThreadClass.LOAD_SENDER, ThreadClass.OTHER);
        assertThat(generator.get(ThreadClass.OTHER).cpuTicks()).isZero(); // its threads' differences add up to its own
        assertThat(generator.get(ThreadClass.LOAD_SENDER).cpuTicks()).isEqualTo(50);
    }

    @Test
    void voluntarySwitchesArePerOperationOverTheLiveThreads() {
        CpuCost cost = measure(nodeAndGenerator(), 1000);

        // 500 (event loop) + 1000 (WAL) + 2 (compiler) + 7 (born); the exited thread's are lost with it.
        assertThat(cost.process("node1").usage().voluntarySwitches()).isEqualTo(1509);
        assertThat(cost.perOperation(cost.process("node1").usage().voluntarySwitches())).isEqualTo(1.509);
        assertThat(cost.process("node1").threadClasses().get(ThreadClass.WAL).involuntarySwitches()).isEqualTo(2);
        assertThat(cost.totalVoluntarySwitchesPerOperation().getAsDouble()).isCloseTo(1.509 + 1.5, within(1e-9));
    }

    @Test
    void aProcessWhosePidIsUnknownIsNamedWithTheReasonAndThereIsNoTotal() {
        MeasuredProcesses processes = MeasuredProcesses.generatorOnly(List.of("node1", "node2"), "remote nodes");
        FakeProc proc = new FakeProc(root).machine(1000, 500, 8000, 500);
        generatorAtMeasureStart(proc);
        Map<String, Long> generatorPid = Map.of("generator", GENERATOR_PID);
        CpuUsage.Sample before = CpuUsage.sample(root, generatorPid);
        generatorAtEnd(proc);
        CpuCost cost = CpuCost.between(before, CpuUsage.sample(root, generatorPid), 10, processes);

        assertThat(cost.names()).containsExactly("node1", "node2", "generator");
        assertThat(cost.unmeasured()).containsOnly(Map.entry("node1", "remote nodes"), Map.entry("node2", "remote nodes"));
        assertThat(cost.process("generator")).isNotNull();
        assertThat(cost.totalMicrosPerOperation()).isEmpty();
        assertThat(cost.totalVoluntarySwitchesPerOperation()).isEmpty();
    }

    @Test
    void aProcessGoneOrRestartedByTheEndIsUnmeasured() {
        FakeProc proc = new FakeProc(root).machine(1000, 500, 8000, 500);
        generatorAtMeasureStart(nodeAtMeasureStart(proc));
        CpuUsage.Sample before = CpuUsage.sample(root, nodeAndGenerator().pidsByName());
        proc.processExited(NODE_PID);
        assertThat(CpuUsage.sample(root, nodeAndGenerator().pidsByName()).processes()).containsOnlyKeys("generator");
        CpuCost gone = CpuCost.between(before, CpuUsage.sample(root, nodeAndGenerator().pidsByName()), 10, nodeAndGenerator());
        assertThat(gone.unmeasured()).containsOnlyKeys("node1");
        assertThat(gone.unmeasured().get("node1")).contains("pid 100", "both ends");
        assertThat(gone.totalMicrosPerOperation()).isEmpty();

        proc.process(NODE_PID, "java", 7000, 5, 5); // the pid reused by a new process
        CpuCost restarted = CpuCost.between(before, CpuUsage.sample(root, nodeAndGenerator().pidsByName()), 10,
                nodeAndGenerator());
        assertThat(restarted.unmeasured()).containsOnlyKeys("node1");
    }

    @Test
    void aThreadIdReusedInTheSpanCountsAsANewThread() {
        FakeProc proc = new FakeProc(root).machine(1, 1, 1, 1)
                .process(NODE_PID, "java", 500, 100, 100)
                .thread(NODE_PID, 101, "wal-data", 510, 90, 90, 10, 0);
        CpuUsage.Sample before = CpuUsage.sample(root, Map.of("node1", NODE_PID));
        proc.process(NODE_PID, "java", 500, 103, 101).thread(NODE_PID, 101, "wal-data", 9000, 2, 1, 4, 0);
        CpuCost cost = CpuCost.between(before, CpuUsage.sample(root, Map.of("node1", NODE_PID)), 1,
                MeasuredProcesses.of(Map.of("node1", NODE_PID)));

        // The old thread 101 exited (its 1 tick in the span goes to other), the new one counts from zero.
        assertThat(cost.process("node1").threadClasses().get(ThreadClass.WAL).userTicks()).isEqualTo(2);
        assertThat(cost.process("node1").threadClasses().get(ThreadClass.WAL).cpuTicks()).isEqualTo(3);
        assertThat(cost.process("node1").threadClasses().get(ThreadClass.WAL).voluntarySwitches()).isEqualTo(4);
        assertThat(cost.process("node1").threadClasses().get(ThreadClass.OTHER).cpuTicks()).isEqualTo(1);
    }

    @Test
    void withoutOperationsThereIsNoPerOperationFigure() {
        CpuCost cost = measure(nodeAndGenerator(), 0);
        assertThat(cost.microsPerOperation(10)).isNaN();
        assertThat(cost.totalMicrosPerOperation()).isEmpty();
        assertThat(cost.toMap()).containsKeys("node1CpuMillis", "generatorCpuMillis", "machineBusyPercent")
                .doesNotContainKeys("cpuMicrosPerOperation", "cpuMicrosPerOperationAllListedProcesses");
        assertThat(cost.toMap().get("node1CpuMillis")).isEqualTo(1750.0);
    }

    @Test
    void cpuJsonKeepsTheKeysEarlierReaderUse() {
        Map<String, Object> map = measure(nodeAndGenerator(), 1000).toMap();
        assertThat(map).containsEntry("cpuMicrosPerOperationAllListedProcesses", 3250.0).containsEntry("operations", 1000L);
        @SuppressWarnings("unchecked")
        Map<String, Object> perOperation = (Map<String, Object>) map.get("cpuMicrosPerOperation");
        assertThat(perOperation).containsEntry("node1", 1750.0);
    }
}
