package io.kvbench.bench.load;

import io.kvbench.bench.proc.CpuCost;
import io.kvbench.bench.proc.ThreadClass;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A load run's CPU per acknowledged write ({@link CpuCost}): its columns of summary.csv, and cpu.csv with each
 * process's thread classes (docs/results-format.md). A divisor of acknowledged operations of any kind: in a run
 * whose mix has reads, "per write" is per acknowledged operation.
 */
final class CpuFiles {
    static final String CPU_CSV = "cpu.csv";
    static final String TOTAL = "total";
    static final String CPU_COLUMN_PREFIX = "cpu_us_per_write_";
    static final String CPU_WITHOUT_JIT_COLUMN_PREFIX = "cpu_no_jit_us_per_write_";
    static final String SWITCHES_COLUMN_PREFIX = "voluntary_switches_per_write_";
    static final List<String> CPU_CSV_COLUMNS = List.of("process", "pid", "thread_class", "threads",
            "cpu_us_per_write", "user_us_per_write", "system_us_per_write", "voluntary_switches_per_write",
            "involuntary_switches_per_write", "cpu_ms", "writes", "span_s", "unmeasured_reason");
    /** The row of a process's own total in cpu.csv. */
    static final String ALL_THREADS = "all";

    private CpuFiles() {
    }

    /**
     * {@code cpu_us_per_write_total}, then {@code cpu_us_per_write_<process>} per process, then the same without the
     * JIT compiler threads ({@code cpu_no_jit_us_per_write_*}) and for voluntary context switches; empty where not
     * measured ({@code cost} null: the total columns alone, empty).
     */
    static Map<String, String> summaryColumns(CpuCost cost) {
        Map<String, String> columns = new LinkedHashMap<>();
        putColumns(columns, CPU_COLUMN_PREFIX, cost, CpuCost::totalMicrosPerOperation,
                process -> cost.microsPerOperation(process.usage().cpuTicks()));
        putColumns(columns, CPU_WITHOUT_JIT_COLUMN_PREFIX, cost, CpuCost::totalMicrosPerOperationWithoutJit,
                process -> cost.microsPerOperation(CpuCost.ticksWithoutJit(process)));
        putColumns(columns, SWITCHES_COLUMN_PREFIX, cost, CpuCost::totalVoluntarySwitchesPerOperation,
                process -> cost.perOperation(process.usage().voluntarySwitches()));
        return columns;
    }

    /** {@code <prefix>total}, then {@code <prefix><process>} for each process (empty where unmeasured). */
    private static void putColumns(Map<String, String> columns, String prefix, CpuCost cost,
            Function<CpuCost, OptionalDouble> total, ToDoubleFunction<CpuCost.ProcessCost> perProcess) {
        columns.put(prefix + TOTAL, cost == null ? "" : format(total.apply(cost)));
        if (cost == null) return;
        for (String name : cost.names()) {
            CpuCost.ProcessCost process = cost.process(name);
            columns.put(prefix + name, process == null ? "" : format(perProcess.applyAsDouble(process)));
        }
    }

    /** One row per thread class of each measured process, then its total ({@value #ALL_THREADS}); one per unmeasured. */
    static void writeCpuCsv(CpuCost cost, Path file) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
                        .setHeader(CPU_CSV_COLUMNS.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            for (String name : cost.names()) {
                CpuCost.ProcessCost process = cost.process(name);
                if (process == null) {
                    List<Object> row = new ArrayList<>(List.of(name, "", ALL_THREADS));
                    while (row.size() < CPU_CSV_COLUMNS.size() - 1) row.add("");
                    row.add(cost.unmeasured().get(name));
                    printer.printRecord(row);
                    continue;
                }
                for (Map.Entry<ThreadClass, CpuCost.Usage> threadClass : process.threadClasses().entrySet()) {
                    printer.printRecord(row(cost, process, threadClass.getKey().label(), threadClass.getValue()));
                }
                printer.printRecord(row(cost, process, ALL_THREADS, process.usage()));
            }
        }
    }

    private static List<Object> row(CpuCost cost, CpuCost.ProcessCost process, String threadClass, CpuCost.Usage usage) {
        return List.of(process.name(), process.pid(), threadClass, usage.threads(),
                format(cost.microsPerOperation(usage.cpuTicks())), format(cost.microsPerOperation(usage.userTicks())),
                format(cost.microsPerOperation(usage.systemTicks())), format(cost.perOperation(usage.voluntarySwitches())),
                format(cost.perOperation(usage.involuntarySwitches())),
                ResultFiles.format(CpuCost.millis(usage.cpuTicks())),
                cost.operations(), ResultFiles.format(cost.spanSeconds()), "");
    }

    private static String format(OptionalDouble value) {
        return value.isPresent() ? ResultFiles.format(value.getAsDouble()) : "";
    }

    /** Empty for NaN (nothing acknowledged: no per-write figure). */
    private static String format(double value) {
        return Double.isNaN(value) ? "" : ResultFiles.format(value);
    }
}
