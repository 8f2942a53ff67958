package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.floor.MajorityWriteSkeleton;
import io.kvbench.bench.proc.CpuCost;
import io.kvbench.bench.proc.CpuUsage;
import io.kvbench.bench.proc.FakeProc;
import io.kvbench.bench.proc.MeasuredProcesses;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** summary.csv's floor multiples and CPU columns, and cpu.csv, from fixed inputs. */
class FloorAndCpuColumnsTest {

    @TempDir
    Path directory;

    /** rtt p50 43, p99 80; lone fsync p50 120, p99 700; 3 at once, the majority's, p50 180, p99 900. */
    private FloorResult floor() {
        return new FloorResult(directory, 1000, 120, 700, 43, 80, "epoll", FloorResult.PREALLOCATED, 240, 1400, 120,
                700, 3, 180, 900, 175, 950);
    }

    /** p50 532 us, p99 1590 us: 98 writes of 532, 2 of 1590 (both below 2048, where the histogram is exact). */
    private static Histogram latency() {
        Histogram histogram = MicrosHistograms.newHistogram();
        histogram.recordValueWithCount(532, 98);
        histogram.recordValueWithCount(1590, 2);
        return histogram;
    }

    private LoadSummary summary(FloorResult floor, CpuCost cpu) {
        return new LoadSummary("kvnode", LoadMode.CLOSED_LOOP, 0, 100, 100, 0, 0, Map.of(), latency(), latency(), 1, 0,
                floor, directory, cpu);
    }

    private static CSVRecord row(Path file) throws Exception {
        try (Reader reader = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords().get(0);
        }
    }

    @Test
    void latencyIsReportedAsMultiplesOfBothFloors() throws Exception {
        ResultFiles.writeSummary(summary(floor(), null), directory.resolve("summary.csv"));
        CSVRecord row = row(directory.resolve("summary.csv"));

        assertThat(row.get("majority_floor_us")).isEqualTo("266.000"); // 2 x 43 + 180
        assertThat(row.get("majority_floor_p99_us")).isEqualTo("1060.000"); // 2 x 80 + 900
        assertThat(row.get("floor_contended_fsync_p50_us")).isEqualTo("180.000");
        assertThat(row.get("p50_over_majority_floor")).isEqualTo("2.000"); // 532 / 266
        assertThat(row.get("p99_over_majority_floor")).isEqualTo("1.500"); // 1590 / 1060
        assertThat(row.get("p50_over_floor")).isEqualTo("3.264"); // 532 / (120 + 43), the single-fsync floor
        assertThat(row.get("p99_over_floor")).isEqualTo("2.038"); // 1590 / (700 + 80)
        assertThat(row.get("cpu_us_per_write_total")).isEmpty(); // no CPU measured
    }

    @Test
    void withoutAFloorTheFixedColumnsAreThereAndEmpty() throws Exception {
        ResultFiles.writeSummary(summary(null, null), directory.resolve("summary.csv"));
        CSVRecord row = row(directory.resolve("summary.csv"));

        for (String column : List.of("majority_floor_us", "p50_over_majority_floor", "p99_over_majority_floor",
                "cpu_us_per_write_total", "voluntary_switches_per_write_total")) {
            assertThat(row.isMapped(column)).as(column).isTrue();
            assertThat(row.get(column)).as(column).isEmpty();
        }
        assertThat(row.isMapped("p50_over_floor")).isFalse(); // the older floor columns come only with a floor
    }

    /**
     * Node 1 spent 36 ticks (20 on its event loop, 10 on its WAL thread, 6 compiling), the generator 10, over 1000
     * writes.
     */
    private CpuCost cpu(MeasuredProcesses processes) {
        FakeProc proc = new FakeProc(directory.resolve("proc")).machine(0, 0, 100, 0)
                .process(100, "java", 5, 0, 0).thread(100, 101, "kvnode-1-1-1", 6, 0, 0, 0, 0)
                .thread(100, 102, "wal-data", 6, 0, 0, 0, 0).thread(100, 103, "C2 CompilerThre", 6, 0, 0, 0, 0)
                .process(200, "java", 5, 0, 0).thread(200, 201, "load-sender-0", 6, 0, 0, 0, 0);
        CpuUsage.Sample before = CpuUsage.sample(proc.root(), processes.pidsByName());
        proc.machine(30, 10, 160, 0).process(100, "java", 5, 16, 20).thread(100, 101, "kvnode-1-1-1", 6, 5, 15, 3000, 10)
                .thread(100, 102, "wal-data", 6, 5, 5, 2000, 0).thread(100, 103, "C2 CompilerThre", 6, 6, 0, 0, 0)
                .process(200, "java", 5, 8, 2).thread(200, 201, "load-sender-0", 6, 8, 2, 1000, 0);
        return CpuCost.between(before, CpuUsage.sample(proc.root(), processes.pidsByName()), 1000, processes);
    }

    private static MeasuredProcesses nodeAndGenerator() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("node1", 100L);
        pids.put("generator", 200L);
        return MeasuredProcesses.of(pids);
    }

    @Test
    void cpuPerWriteOfEveryProcessAndTheirTotal() throws Exception {
        ResultFiles.writeSummary(summary(floor(), cpu(nodeAndGenerator())), directory.resolve("summary.csv"));
        CSVRecord row = row(directory.resolve("summary.csv"));

        assertThat(row.get("cpu_us_per_write_node1")).isEqualTo("360.000"); // 36 ticks = 360 ms over 1000 writes
        assertThat(row.get("cpu_us_per_write_generator")).isEqualTo("100.000");
        assertThat(row.get("cpu_us_per_write_total")).isEqualTo("460.000");
        assertThat(row.get("cpu_no_jit_us_per_write_node1")).isEqualTo("300.000"); // less its compiler's 6 ticks
        assertThat(row.get("cpu_no_jit_us_per_write_generator")).isEqualTo("100.000");
        assertThat(row.get("cpu_no_jit_us_per_write_total")).isEqualTo("400.000");
        assertThat(row.get("voluntary_switches_per_write_node1")).isEqualTo("5.000");
        assertThat(row.get("voluntary_switches_per_write_total")).isEqualTo("6.000");
    }

    /** The floor above with its CPU floor: 100 + 2 x 50 + 30 = 230 us on the loop, 125 + 2 x 70 + 35 = 300 with a WAL thread. */
    private FloorResult floorWithCpuFloor() {
        return new FloorResult(directory, 1000, 120, 700, 43, 80, "epoll", FloorResult.PREALLOCATED, 240, 1400, 120,
                700, 3, 180, 900, 175, 950, List.of(
                        new MajorityWriteSkeleton.Result(MajorityWriteSkeleton.FsyncPlacement.EVENT_LOOP, 3, 1000, 250, 400,
                                100, 50, 30),
                        new MajorityWriteSkeleton.Result(MajorityWriteSkeleton.FsyncPlacement.SEPARATE_THREAD, 3, 1000, 280,
                                450, 125, 70, 35),
                        new MajorityWriteSkeleton.Result(MajorityWriteSkeleton.FsyncPlacement.EVENT_LOOP, 3, 20000, 700,
                                2000, 4, 2, 2, 64, 16),
                        new MajorityWriteSkeleton.Result(MajorityWriteSkeleton.FsyncPlacement.SEPARATE_THREAD, 3, 20000, 900,
                                2500, 6, 3, 2, 64, 16)));
    }

    private static LoadSpec closedLoop(int inFlight, int connections) {
        return LoadSpec.builder().mode(LoadMode.CLOSED_LOOP).inFlightLimit(inFlight).connections(connections).build();
    }

    @Test
    void theCpuFloorOfEachRoleAndTheRunsTotalOverIt() throws Exception {
        ResultFiles.writeSummary(summary(floorWithCpuFloor(), cpu(nodeAndGenerator())), directory.resolve("summary.csv"),
                closedLoop(1, 1));
        CSVRecord row = row(directory.resolve("summary.csv"));

        assertThat(row.get("cpu_floor_us_leader")).isEqualTo("100.000");
        assertThat(row.get("cpu_floor_us_follower")).isEqualTo("50.000");
        assertThat(row.get("cpu_floor_us_client")).isEqualTo("30.000");
        assertThat(row.get("cpu_floor_us_total")).isEqualTo("230.000");
        assertThat(row.get("cpu_floor_wal_thread_us_leader")).isEqualTo("125.000");
        assertThat(row.get("cpu_floor_wal_thread_us_total")).isEqualTo("300.000");
        assertThat(row.get("cpu_total_over_floor")).isEqualTo("2.000"); // 460 / 230
        assertThat(row.get("cpu_total_over_wal_thread_floor")).isEqualTo("1.533"); // 460 / 300
        assertThat(row.get("cpu_floor_batched_us_total")).isEqualTo("10.000"); // 4 + 2 x 2 + 2
        assertThat(row.get("cpu_floor_batched_wal_thread_us_total")).isEqualTo("14.000");
        assertThat(row.get("cpu_floor_batched_in_flight")).isEqualTo("64");
        assertThat(row.get("cpu_floor_batched_connections")).isEqualTo("16");
    }

    @Test
    void aRunIsSetAgainstTheFloorOfItsOwnShapeOnly() throws Exception {
        LoadSummary summary = summary(floorWithCpuFloor(), cpu(nodeAndGenerator()));
        ResultFiles.writeSummary(summary, directory.resolve("summary.csv"), closedLoop(64, 16));
        CSVRecord batched = row(directory.resolve("summary.csv"));
        ResultFiles.writeSummary(summary, directory.resolve("summary.csv"), closedLoop(64, 64));
        CSVRecord otherShape = row(directory.resolve("summary.csv"));
        ResultFiles.writeSummary(summary, directory.resolve("summary.csv"),
                LoadSpec.builder().mode(LoadMode.OPEN_LOOP).inFlightLimit(1).connections(1).build());
        CSVRecord openLoop = row(directory.resolve("summary.csv"));

        assertThat(batched.get("cpu_total_over_floor")).isEqualTo("46.000"); // 460 / 10
        assertThat(batched.get("cpu_total_over_wal_thread_floor")).isEqualTo("32.857"); // 460 / 14
        for (CSVRecord row : List.of(otherShape, openLoop)) {
            assertThat(row.get("cpu_total_over_floor")).isEmpty();
            assertThat(row.get("cpu_total_over_wal_thread_floor")).isEmpty();
            assertThat(row.get("cpu_floor_us_total")).isEqualTo("230.000"); // the floors themselves are always given
        }
    }

    @Test
    void withoutACpuFloorOrCpuItsColumnsAreThereAndEmpty() throws Exception {
        ResultFiles.writeSummary(summary(floor(), cpu(nodeAndGenerator())), directory.resolve("summary.csv"),
                closedLoop(1, 1));
        CSVRecord noSkeleton = row(directory.resolve("summary.csv"));
        ResultFiles.writeSummary(summary(floorWithCpuFloor(), null), directory.resolve("summary.csv"), closedLoop(1, 1));
        CSVRecord noCpu = row(directory.resolve("summary.csv"));

        for (String column : ResultFiles.CPU_FLOOR_COLUMNS) {
            assertThat(noSkeleton.get(column)).as(column).isEmpty();
        }
        assertThat(noCpu.get("cpu_floor_us_total")).isEqualTo("230.000");
        assertThat(noCpu.get("cpu_total_over_floor")).isEmpty();
    }

    @Test
    void anUnmeasuredProcessHasAnEmptyColumnAndThereIsNoTotal() throws Exception {
        MeasuredProcesses remote = new MeasuredProcesses(List.of("node1", "node2", "generator"),
                nodeAndGenerator().pidsByName(), "node2 runs elsewhere");
        CpuCost cost = cpu(remote);
        ResultFiles.writeSummary(summary(floor(), cost), directory.resolve("summary.csv"));
        CSVRecord row = row(directory.resolve("summary.csv"));

        assertThat(row.get("cpu_us_per_write_node1")).isEqualTo("360.000");
        assertThat(row.get("cpu_us_per_write_node2")).isEmpty();
        assertThat(row.get("cpu_us_per_write_total")).isEmpty();
        assertThat(row.get("cpu_no_jit_us_per_write_node2")).isEmpty();
        assertThat(row.get("cpu_no_jit_us_per_write_total")).isEmpty();

        CpuFiles.writeCpuCsv(cost, directory.resolve("cpu.csv"));
        List<CSVRecord> rows;
        try (Reader reader = Files.newBufferedReader(directory.resolve("cpu.csv"))) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
        assertThat(rows).extracting(r -> r.get("process") + "/" + r.get("thread_class")).containsExactly(
                "node1/event_loop", "node1/wal", "node1/jit", "node1/all", "node2/all", "generator/load_sender",
                "generator/all");
        CSVRecord eventLoop = rows.get(0);
        assertThat(eventLoop.get("cpu_us_per_write")).isEqualTo("200.000");
        assertThat(eventLoop.get("user_us_per_write")).isEqualTo("50.000");
        assertThat(eventLoop.get("system_us_per_write")).isEqualTo("150.000");
        assertThat(eventLoop.get("voluntary_switches_per_write")).isEqualTo("3.000");
        assertThat(eventLoop.get("involuntary_switches_per_write")).isEqualTo("0.010");
        assertThat(eventLoop.get("cpu_ms")).isEqualTo("200.000");
        assertThat(eventLoop.get("writes")).isEqualTo("1000");
        assertThat(rows.get(2).get("cpu_us_per_write")).isEqualTo("60.000");
        assertThat(rows.get(3).get("cpu_us_per_write")).isEqualTo("360.000");
        assertThat(rows.get(4).get("cpu_us_per_write")).isEmpty();
        assertThat(rows.get(4).get("unmeasured_reason")).isEqualTo("node2 runs elsewhere");
    }
}
