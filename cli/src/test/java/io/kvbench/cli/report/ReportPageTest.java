package io.kvbench.cli.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What each kind of run's page holds (the browser test checks that it shows and resolves). */
class ReportPageTest {
    @TempDir
    Path directory;

    @Test
    void aLoadRunsPageHasItsVerdictSummaryChartsParametersAndFiles() throws Exception {
        Path run = ReportFixtures.copy("load", directory);
        Files.createDirectories(run.resolve("cluster/member0.etcd/member/wal"));
        Files.writeString(run.resolve("cluster/member0.etcd/member/wal/0000000000000000-0000000000000000.wal"), "wal");

        String html = Files.readString(ReportPage.write(run));

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1>kvbench load run: load</h1>")
                .contains("kvnode (fsync always) | open loop 1000 ops/s | commit abc1234 | 2026-12-01 09:00 UTC")
                .contains("<section id=\"verdict\" class=\"pass\">").contains("PASS: 0 errors, 0 timeouts")
                .contains("<td>achieved_rate</td><td>999.800</td>")
                .contains("<img src=\"latency-spectrum.svg\"").contains("<img src=\"timeseries.svg\"")
                .contains("<td>parameters.targetRatePerSecond</td><td>1000.0</td>")
                .contains("<a href=\"notes%20%26%20more.txt\">notes &amp; more.txt</a>")
                .contains("<a href=\"cluster/n1/node.log\">")
                .doesNotContain("wal-0000000001").doesNotContain("member0.etcd").doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void aCampaignsVerdictNamesItsCheckers() throws Exception {
        String html = Files.readString(ReportPage.write(ReportFixtures.copy("chaos", directory)));

        assertThat(html).contains("<h1>kvbench chaos campaign: chaos</h1>")
                .contains("kvnode, heartbeat 30 ms, election 150-300 ms | 3 nodes | kill-leader x2 | 400 writes/s offered | commit abc1234")
                .contains("<section id=\"verdict\" class=\"pass\">").contains("linearizability: pass (3 keys, 412 operations, search 35 ms)")
                .contains("<td>check_linearizability</td>").contains("Load generator beside the campaign")
                .contains("<a href=\"load/run.json\">load/run.json</a>");
    }

    @Test
    void aFailedCampaignIsMarkedFailed() throws Exception {
        Path run = ReportFixtures.copy("chaos", directory);
        Files.writeString(run.resolve("verdict.txt"), "FAIL\nsafety: 1 violation(s):\nlost write: <p1 put k=v>\n");

        String html = Files.readString(ReportPage.write(run));

        assertThat(html).contains("<section id=\"verdict\" class=\"fail\">").contains("lost write: &lt;p1 put k=v&gt;");
    }

    @Test
    void demoSweepAndCompareGetTheirOwnVerdicts() throws Exception {
        assertThat(Files.readString(ReportPage.write(ReportFixtures.copy("demo", directory))))
                .contains("<section id=\"verdict\" class=\"pass\">").contains("steady load: PASS: 0 errors, 0 timeouts")
                .contains("chaos: PASS").contains("floor of a majority write").contains("<img src=\"chaos/timeseries.svg\"");
        assertThat(Files.readString(ReportPage.write(ReportFixtures.copy("sweep", directory))))
                .contains("class=\"info\"").contains("8 steps measured, 2 saturated")
                .contains("kvnode and etcd on local 3-node clusters | peaks kvnode 20,000 ops/s, etcd 2,500 ops/s");
        assertThat(Files.readString(ReportPage.write(ReportFixtures.copy("compare", directory))))
                .contains("3 of 5 metrics differ beyond the noise").contains("put_p99_us 26.83 % (p=0.0002)");
    }

    @Test
    void aFolderWithNothingKnownStillGetsAPage() throws Exception {
        Files.writeString(directory.resolve("notes.txt"), "x");

        String html = Files.readString(ReportPage.write(directory));

        assertThat(html).contains("class=\"info\"").contains("No charts in this folder").contains("<a href=\"notes.txt\">");
    }
}
