package io.kvbench.bench.load;

import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.floor.MajorityWriteSkeleton;
import io.kvbench.bench.proc.CpuCost;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** End-of-run files: {@code latency.hgrm}, {@code service.hgrm}, {@code summary.csv} and {@code cpu.csv}. */
public final class ResultFiles {

    public static final List<String> SUMMARY_COLUMNS = List.of("target", "mode", "target_rate", "achieved_rate",
            "count", "errors", "timeouts", "mean_us", "p50_us", "p90_us", "p99_us", "p999_us", "p9999_us", "max_us",
            "service_p50_us", "service_p99_us", "duration_s", "warmup_s");
    public static final List<String> FLOOR_COLUMNS = List.of("floor_fsync_p50_us", "floor_fsync_p99_us",
            "floor_rtt_p50_us", "floor_rtt_p99_us", "p50_over_floor", "p99_over_floor");
    /** In every summary.csv, empty when no floor was measured (names fixed for scripts: issue 19). */
    public static final List<String> MAJORITY_FLOOR_COLUMNS = List.of("floor_contended_fsync_p50_us",
            "floor_contended_fsync_p99_us", "majority_floor_us", "majority_floor_p99_us", "p50_over_majority_floor",
            "p99_over_majority_floor");

    /**
     * In every summary.csv, after the CPU columns, empty when the floor or its CPU floor was not measured: the
     * one-in-flight CPU floor of each role with the fsync on the event loop ({@code cpu_floor_us_*}) and on a WAL thread
     * ({@code cpu_floor_wal_thread_us_*}); the batched floor's totals and its writes in flight and connections; and the
     * run's {@code cpu_us_per_write_total} over the floor measured with the run's own writes in flight and connections
     * (closed loop only; empty when no floor was measured so).
     */
    public static final List<String> CPU_FLOOR_COLUMNS = List.of("cpu_floor_us_leader", "cpu_floor_us_follower",
            "cpu_floor_us_client", "cpu_floor_us_total", "cpu_floor_wal_thread_us_leader",
            "cpu_floor_wal_thread_us_follower", "cpu_floor_wal_thread_us_client", "cpu_floor_wal_thread_us_total",
            "cpu_floor_batched_us_total", "cpu_floor_batched_wal_thread_us_total", "cpu_floor_batched_in_flight",
            "cpu_floor_batched_connections", "cpu_total_over_floor", "cpu_total_over_wal_thread_floor");

    private ResultFiles() {
    }

    static void writeAll(LoadSummary summary, LoadSpec spec) throws IOException {
        writePercentileDistribution(summary.latencyMicros(), summary.outputDirectory().resolve("latency.hgrm"));
        writePercentileDistribution(summary.serviceMicros(), summary.outputDirectory().resolve("service.hgrm"));
        writeSummary(summary, summary.outputDirectory().resolve("summary.csv"), spec);
        if (summary.cpu() != null) CpuFiles.writeCpuCsv(summary.cpu(), summary.outputDirectory().resolve(CpuFiles.CPU_CSV));
    }

    /**
     * HdrHistogram's .hgrm text (read by hdr-plot, HistogramLogAnalyzer and plot.py). Recorded in µs, printed
     * with scaling ratio 1000 so the Value column is milliseconds, as wrk2 prints it (docs/results-format.md).
     */
    public static void writePercentileDistribution(Histogram histogram, Path file) throws IOException {
        try (PrintStream stream = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            histogram.outputPercentileDistribution(stream, 1000.0);
        }
    }

    /** As {@link #writeSummary(LoadSummary, Path, LoadSpec)} without the spec: no CPU floor ratio. */
    static void writeSummary(LoadSummary summary, Path file) throws IOException {
        writeSummary(summary, file, null);
    }

    /** {@code spec}, if given, is the run's: its writes in flight and connections pick the CPU floor it is set against. */
    static void writeSummary(LoadSummary summary, Path file, LoadSpec spec) throws IOException {
        List<String> header = new ArrayList<>(SUMMARY_COLUMNS);
        FloorResult floor = summary.floor();
        if (floor != null) {
            header.addAll(FLOOR_COLUMNS);
        }
        Histogram latency = summary.latencyMicros();
        List<Object> row = new ArrayList<>(List.of(summary.targetName(), summary.mode().name(),
                format(summary.targetRatePerSecond()), format(summary.achievedRatePerSecond()),
                summary.count(), summary.errors(), summary.timeouts(), format(latency.getMean()),
                latency.getValueAtPercentile(50), latency.getValueAtPercentile(90), latency.getValueAtPercentile(99),
                latency.getValueAtPercentile(99.9), latency.getValueAtPercentile(99.99), latency.getMaxValue(),
                summary.serviceMicrosP50(), summary.serviceMicrosP99(),
                format(summary.durationSeconds()), format(summary.warmupSeconds())));
        if (floor != null) {
            row.addAll(List.of(format(floor.fsyncMicrosP50()), format(floor.fsyncMicrosP99()),
                    format(floor.roundTripMicrosP50()), format(floor.roundTripMicrosP99()),
                    format(latency.getValueAtPercentile(50) / floor.singleFsyncFloorMicros()),
                    format(latency.getValueAtPercentile(99) / floor.singleFsyncFloorMicrosP99())));
        }
        header.addAll(MAJORITY_FLOOR_COLUMNS);
        if (floor != null) {
            row.addAll(List.of(format(floor.contendedFsyncMicrosP50()), format(floor.contendedFsyncMicrosP99()),
                    format(floor.majorityWriteFloorMicros()), format(floor.majorityWriteFloorMicrosP99()),
                    format(latency.getValueAtPercentile(50) / floor.majorityWriteFloorMicros()),
                    format(latency.getValueAtPercentile(99) / floor.majorityWriteFloorMicrosP99())));
        } else {
            MAJORITY_FLOOR_COLUMNS.forEach(column -> row.add(""));
        }
        CpuFiles.summaryColumns(summary.cpu()).forEach((column, value) -> {
            header.add(column);
            row.add(value);
        });
        header.addAll(CPU_FLOOR_COLUMNS);
        row.addAll(cpuFloorCells(floor, summary.cpu(), spec));
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
                        .setHeader(header.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            printer.printRecord(row);
        }
    }

    private static List<String> cpuFloorCells(FloorResult floor, CpuCost cpu, LoadSpec spec) {
        List<String> cells = new ArrayList<>();
        MajorityWriteSkeleton.FsyncPlacement[] placements = MajorityWriteSkeleton.FsyncPlacement.values();
        for (MajorityWriteSkeleton.FsyncPlacement placement : placements) {
            var skeleton = floor == null ? Optional.<MajorityWriteSkeleton.Result>empty() : floor.cpuFloor(placement);
            if (skeleton.isPresent()) {
                cells.addAll(List.of(format(skeleton.get().leaderCpuMicrosPerWrite()),
                        format(skeleton.get().followerCpuMicrosPerWrite()), format(skeleton.get().clientCpuMicrosPerWrite()),
                        format(skeleton.get().totalCpuMicrosPerWrite())));
            } else {
                cells.addAll(List.of("", "", "", ""));
            }
        }
        List<MajorityWriteSkeleton.Result> batched = floor == null ? List.of()
                : floor.skeletons().stream().filter(skeleton -> skeleton.inFlight() > 1).toList();
        for (MajorityWriteSkeleton.FsyncPlacement placement : placements) {
            cells.add(batched.stream().filter(skeleton -> skeleton.placement() == placement).findFirst()
                    .map(skeleton -> format(skeleton.totalCpuMicrosPerWrite())).orElse(""));
        }
        cells.add(batched.isEmpty() ? "" : String.valueOf(batched.get(0).inFlight()));
        cells.add(batched.isEmpty() ? "" : String.valueOf(batched.get(0).connections()));
        // Against the floor measured as the run ran: a closed loop with the same writes in flight and connections.
        // An open loop's writes arrive at their own times, like neither floor's closed loop, so it gets no ratio.
        boolean runTotal = cpu != null && cpu.operations() > 0 && cpu.totalMicrosPerOperation().isPresent()
                && spec != null && spec.mode() == LoadMode.CLOSED_LOOP && floor != null;
        for (MajorityWriteSkeleton.FsyncPlacement placement : placements) {
            Optional<MajorityWriteSkeleton.Result> same = runTotal
                    ? floor.cpuFloor(placement, spec.inFlightLimit(), spec.connections()) : Optional.empty();
            cells.add(same.map(skeleton -> format(cpu.totalMicrosPerOperation().getAsDouble()
                    / skeleton.totalCpuMicrosPerWrite())).orElse(""));
        }
        return cells;
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
