package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleasesFileTest {

    @TempDir
    Path temporary;

    private static final ReleasesFile.Release FIRST = new ReleasesFile.Release("v0.11-election", "1".repeat(40),
            "2026-12-07 05:00 UTC", 2.934, 8.077, 18.4, 46.72, 27.1, null, "safety pass | 5/5 recovered",
            "2 cores, Linux 6.1");

    @Test
    void aNewFileGetsThePreambleTheHeaderAndTheRow() throws Exception {
        Path file = temporary.resolve(ReleasesFile.NAME);

        Files.writeString(file, ReleasesFile.read(file).withAppended(FIRST));
        ReleasesFile.Release read = ReleasesFile.read(file).find("v0.11-election").orElseThrow();

        assertThat(Files.readString(file)).startsWith(ReleasesFile.PREAMBLE).endsWith(
                "| v0.11-election | " + "1".repeat(40) + " | 2026-12-07 05:00 UTC | 2.93 / 8.08 | 18.4 / 46.7 | "
                        + "27.1 / - | safety pass / 5/5 recovered | 2 cores, Linux 6.1 |\n");
        assertThat(read.writeP50OverFloor()).isEqualTo(2.93);
        assertThat(read.unavailabilityP99Millis()).isNull();
        assertThat(read.checkers()).isEqualTo("safety pass / 5/5 recovered");
    }

    @Test
    void rowsGoAfterTheTableAndTextAfterItStays() throws Exception {
        Path file = temporary.resolve(ReleasesFile.NAME);
        Files.writeString(file, "# Releases\n\nintro\n\n| " + String.join(" | ", ReleasesFile.COLUMNS)
                + " |\n|---|---|---|---|---|---|---|---|\n\nNotes after the table.\n");
        Files.writeString(file, ReleasesFile.read(file).withAppended(FIRST));
        ReleasesFile.Release second = new ReleasesFile.Release("v0.12", "2".repeat(40), "2026-12-14 05:00 UTC", null,
                null, 17.0, 30.0, 22.0, 40.0, "pass", "");

        Files.writeString(file, ReleasesFile.read(file).withAppended(second));

        assertThat(ReleasesFile.read(file).releases()).extracting(ReleasesFile.Release::name)
                .containsExactly("v0.11-election", "v0.12");
        assertThat(Files.readString(file)).endsWith("| v0.12 | " + "2".repeat(40)
                + " | 2026-12-14 05:00 UTC | - / - | 17.0 / 30.0 | 22.0 / 40.0 | pass | - |\n\nNotes after the table.\n");
    }

    @Test
    void aDamagedRowIsAClearError() throws Exception {
        Path file = temporary.resolve(ReleasesFile.NAME);
        Files.writeString(file, "| " + String.join(" | ", ReleasesFile.COLUMNS) + " |\n|---|\n"
                + "| v1 | " + "1".repeat(40) + " | today | fast / 8 | 1 / 2 | 3 / 4 | pass | m |\n");

        assertThatThrownBy(() -> ReleasesFile.read(file)).isInstanceOf(CompareException.class)
                .hasMessage(file + " line 3: 'fast' is not a number (in 'fast / 8')");
        assertThat(ReleasesFile.read(temporary.resolve("absent.md")).releases()).isEmpty();
    }
}
