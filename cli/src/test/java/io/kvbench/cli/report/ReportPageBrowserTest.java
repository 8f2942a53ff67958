package io.kvbench.cli.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each kind of run's report.html, loaded from disk by a real headless Chromium (Debian's {@code chromium}, which
 * scripts/install-deps installs for CI): every chart decodes in the browser, every link points at a file that
 * exists, and the page shows the verdict. The DOM is read after the page's load event ({@code --dump-dom}), when
 * each image has said whether it loaded.
 */
class ReportPageBrowserTest {
    private static final long BROWSER_TIMEOUT_SECONDS = 90;
    private static final Pattern IMAGE = Pattern.compile("<img [^>]*>");
    private static final Pattern LINK = Pattern.compile("<a href=\"([^\"]*)\"");
    private static final Pattern VERDICT = Pattern.compile("<section id=\"verdict\" class=\"(\\w+)\">\\s*<h2>Verdict</h2>\\s*<pre>(.*?)</pre>",
            Pattern.DOTALL);
    private static String chromium;

    @TempDir
    Path directory;

    @BeforeAll
    static void findChromium() {
        chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser").filter(path -> Files.isExecutable(Path.of(path)))
                .findFirst().orElse(null);
        assumeTrue(chromium != null, "chromium is not installed (scripts/install-deps --test, or apt-get install chromium): "
                + "the report pages are not checked in a browser here");
    }

    static Stream<String> kinds() {
        return ReportFixtures.KINDS.stream();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void everyChartLoadsEveryLinkResolvesAndTheVerdictShows(String kind) throws Exception {
        Path run = ReportFixtures.copy(kind, directory);
        Path page = ReportPage.write(run);

        String dom = dumpDom(page);

        List<String> images = new ArrayList<>();
        Matcher image = IMAGE.matcher(dom);
        while (image.find()) images.add(image.group());
        long charts;
        try (Stream<Path> files = Files.walk(run)) {
            charts = files.filter(path -> path.toString().endsWith(".svg")).count();
        }
        assertThat(images).as("one image per chart").hasSize((int) charts).isNotEmpty();
        assertThat(images).as("every image loaded in the browser").allMatch(tag -> tag.contains("data-state=\"ok\""));
        assertThat(dom).as("no image replaced by its error note").doesNotContain("<span class=\"broken\">");

        Matcher link = LINK.matcher(dom);
        int links = 0;
        while (link.find()) {
            links++;
            String target = URLDecoder.decode(link.group(1).replace("&amp;", "&").replace("+", "%2B"), StandardCharsets.UTF_8);
            assertThat(target).as("a relative link, nothing fetched from elsewhere").doesNotContain("://").doesNotStartWith("/");
            assertThat(run.resolve(target)).as("link target " + link.group(1)).exists();
        }
        assertThat(links).isGreaterThan(images.size());

        Matcher verdict = VERDICT.matcher(dom);
        assertThat(verdict.find()).as("the verdict section").isTrue();
        assertThat(verdict.group(1)).isIn("pass", "info");
        assertThat(verdict.group(2)).isNotBlank();
        if (kind.equals("chaos")) assertThat(verdict.group(2)).startsWith("PASS").contains("linearizability: pass");
    }

    /** The page's DOM after its load event, as headless Chromium serialises it. */
    private String dumpDom(Path page) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(directory.resolve("chromium-profile"));
        Path output = directory.resolve("dom.html");
        Path errors = directory.resolve("chromium.log");
        Process browser = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--dump-dom", page.toUri().toString())
                .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        if (!browser.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            browser.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within " + BROWSER_TIMEOUT_SECONDS + " s: " + Files.readString(errors));
        }
        assertThat(browser.exitValue()).as(Files.readString(errors)).isZero();
        String dom = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(dom).as("chromium printed a DOM; its log: " + Files.readString(errors)).contains("<section id=\"verdict\"");
        return dom;
    }
}
