package io.kvbench.bench.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference runs' own CSV files go through Commons CSV: quoted where needed, one header, aligned columns. */
class ReferenceCsvFilesTest {

    @Test
    void scenarioSummaryKeepsEveryRowUnderItsOwnColumns(@TempDir Path directory) throws Exception {
        Map<String, String> withFloor = new LinkedHashMap<>();
        withFloor.put("scenario", "kvnode-peak-16-clients");
        withFloor.put("target", "kvnode");
        withFloor.put("p50_us", "812");
        withFloor.put("floor_fsync_p50_us", "120.500");
        Map<String, String> withoutFloor = new LinkedHashMap<>();
        withoutFloor.put("scenario", "etcd, 16 clients"); // a comma inside a cell must be quoted, not split
        withoutFloor.put("target", "etcd");
        withoutFloor.put("p50_us", "4100");
        Path file = directory.resolve("summary.csv");

        ReferenceRuns.writeScenarioSummary(file, List.of(withFloor, withoutFloor));

        try (Reader reader = Files.newBufferedReader(file);
                CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            assertThat(parser.getHeaderNames()).containsExactly("scenario", "target", "p50_us", "floor_fsync_p50_us");
            List<CSVRecord> rows = parser.getRecords();
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).get("floor_fsync_p50_us")).isEqualTo("120.500");
            assertThat(rows.get(1).get("scenario")).isEqualTo("etcd, 16 clients");
            assertThat(rows.get(1).get("p50_us")).isEqualTo("4100");
            assertThat(rows.get(1).get("floor_fsync_p50_us")).isEmpty();
        }
    }

    @Test
    void alternatingRoundsHaveTheirHeaderAndOneRowPerRun(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("rounds.csv");
        AlternatingPeaks.writeRounds(file, List.of(List.of(1, "kvnode", 16, "25012.5", 610, 1500, 0, 0, "120.5", "40.5"),
                List.of(1, "etcd", 16, "3011.0", 5100, 9000, 0, 0, "120.5", "40.5")));

        assertThat(Files.readAllLines(file)).containsExactly(
                String.join(",", AlternatingPeaks.ROUNDS_HEADER),
                "1,kvnode,16,25012.5,610,1500,0,0,120.5,40.5",
                "1,etcd,16,3011.0,5100,9000,0,0,120.5,40.5");
    }
}
