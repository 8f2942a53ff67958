package io.kvbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real, short {@code kvbench load} on the 3-node cluster it starts: its summary.csv has the majority-write floor,
 * the latency over it and the CPU per acknowledged write of each node and of the generator, and the figures hang
 * together (no speed is asserted: the machine is shared).
 */
class LoadCommandCostTest {

    @TempDir
    Path out;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLoadRunReportsTheMajorityFloorAndEveryProcesssCpuPerWrite() throws Exception {
        String printed = run("load", "--mode", "closed", "--in-flight", "1", "--connections", "1", "--duration-s", "3",
                "--warmup-s", "1", "--no-plot", "--quiet", "--out", out.toString());

        CSVRecord summary = readCsv(out.resolve("summary.csv")).get(0);
        double floor = number(summary, "majority_floor_us");
        double p50 = number(summary, "p50_us");
        assertThat(floor).isPositive();
        // 2 x rtt p50 + the contended fsync p50, as run.json's floor has them.
        var floorJson = new ObjectMapper().readTree(out.resolve("run.json").toFile()).path("floor");
        assertThat(floor).isCloseTo(2 * floorJson.path("roundTripMicrosP50").asDouble()
                + floorJson.path("contendedFsyncMicrosP50").asDouble(), within(0.001));
        assertThat(number(summary, "p50_over_majority_floor")).isCloseTo(p50 / floor, within(0.001));
        assertThat(number(summary, "p99_over_majority_floor"))
                .isCloseTo(number(summary, "p99_us") / number(summary, "majority_floor_p99_us"), within(0.001));

        List<String> processes = List.of("node1", "node2", "node3", "generator");
        double sum = 0;
        double sumWithoutJit = 0;
        for (String process : processes) {
            double perWrite = number(summary, "cpu_us_per_write_" + process);
            double withoutJit = number(summary, "cpu_no_jit_us_per_write_" + process);
            assertThat(perWrite).as(process).isGreaterThanOrEqualTo(0);
            assertThat(withoutJit).as(process).isBetween(0.0, perWrite);
            assertThat(number(summary, "voluntary_switches_per_write_" + process)).as(process).isGreaterThanOrEqualTo(0);
            sum += perWrite;
            sumWithoutJit += withoutJit;
        }
        assertThat(number(summary, "cpu_us_per_write_total")).isCloseTo(sum, within(0.001 * processes.size()));
        assertThat(number(summary, "cpu_no_jit_us_per_write_total")).isCloseTo(sumWithoutJit, within(0.001 * processes.size()));
        int leader = new ObjectMapper().readTree(out.resolve("node-latency.json").toFile())
                .path("leaderWriteMicros").path("nodeId").asInt();
        assertThat(leader).isBetween(1, 3);
        assertThat(number(summary, "cpu_us_per_write_node" + leader)).as("the leader's").isPositive();

        List<CSVRecord> cpu = readCsv(out.resolve("cpu.csv"));
        assertThat(cpu).anySatisfy(row -> {
            assertThat(row.get("process")).isEqualTo("node" + leader);
            assertThat(row.get("thread_class")).isEqualTo("event_loop");
            assertThat(Double.parseDouble(row.get("cpu_us_per_write"))).isPositive();
        }).anySatisfy(row -> {
            assertThat(row.get("process")).isEqualTo("node" + leader);
            assertThat(row.get("thread_class")).isEqualTo("wal");
        }).anySatisfy(row -> {
            // Paced on the client's own event loop (the default): no sender thread, the loop does the sending.
            assertThat(row.get("process")).isEqualTo("generator");
            assertThat(row.get("thread_class")).isEqualTo("event_loop");
        });
        for (String process : processes) {
            CSVRecord all = cpu.stream().filter(row -> row.get("process").equals(process)
                    && row.get("thread_class").equals("all")).findFirst().orElseThrow();
            assertThat(Double.parseDouble(all.get("cpu_us_per_write"))).as(process)
                    .isCloseTo(number(summary, "cpu_us_per_write_" + process), within(0.0005));
            double classes = cpu.stream().filter(row -> row.get("process").equals(process)
                    && !row.get("thread_class").equals("all")).mapToDouble(row -> Double.parseDouble(row.get("cpu_us_per_write"))).sum();
            assertThat(classes).as(process + "'s thread classes").isCloseTo(Double.parseDouble(all.get("cpu_us_per_write")),
                    within(0.001 * 7));
        }
        assertThat(printed).contains("measured before the load, the nodes idle", "CPU per acknowledged write over the measured span",
                " (leader at the end): ");
    }

    private static String run(String... arguments) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        int exitCode;
        try {
            exitCode = KvbenchMain.commandLine().execute(arguments);
        } finally {
            System.setOut(original);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertThat(exitCode).as(printed).isZero();
        return printed;
    }

    private static double number(CSVRecord row, String column) {
        assertThat(row.isMapped(column)).as(column + " in summary.csv").isTrue();
        assertThat(row.get(column)).as(column).isNotEmpty();
        return Double.parseDouble(row.get(column));
    }

    private static List<CSVRecord> readCsv(Path file) throws Exception {
        try (Reader reader = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
    }
}
