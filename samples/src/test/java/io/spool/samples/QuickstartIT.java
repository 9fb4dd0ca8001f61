package io.spool.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.testsupport.ChildJvm;
import io.spool.testsupport.DuckDb;
import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, in its short mode, on the packaged jar: it must finish, and the summary it
 * prints must match what the Parquet files hold, read independently with DuckDB.
 */
class QuickstartIT {
    @TempDir
    Path dir;

    @Test
    void quickstartRunsAndItsSummaryMatchesTheParquetFiles() throws Exception {
        Path jar = Path.of("target", "spool-quickstart.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path output = dir.resolve("out.txt");
        // an earlier run's folder, which --clean deletes, and a folder of the user's, which it must not
        Path earlierRun = Files.createDirectories(dir.resolve("data/quickstart/run-20200101-000000/journal"));
        Files.writeString(earlierRun.resolve("old.cq4"), "old");
        Path users = Files.createDirectories(dir.resolve("data/quickstart/my-notes"));
        String printed;
        try (ChildJvm quickstart = ChildJvm.jar(jar)
                .log(output)
                .args("--short", "--clean", "--data-dir", dir.resolve("data").toString())
                .start()) {
            int status = quickstart.awaitExit(Duration.ofSeconds(120));
            printed = quickstart.output();
            assertThat(status).as(printed).isZero();
        }
        assertThat(printed).contains("Check: the Parquet files hold exactly the events the shop tracked.");
        assertThat(printed).contains("Removed 1 earlier quickstart run.");
        assertThat(dir.resolve("data/quickstart/run-20200101-000000")).doesNotExist();
        assertThat(users).isDirectory();
        // stdout and stderr together hold the quickstart's own lines only: the libraries' go to the run's log
        assertThat(printed.lines().filter(l -> l.matches(".*\\b(TRACE|DEBUG|INFO|WARN|ERROR)\\b.*")))
                .as(printed)
                .isEmpty();
        Matcher where = Pattern.compile("This run's data and its log \\(quickstart.log\\) are in (\\S+)\\.")
                .matcher(printed);
        assertThat(where.find()).as(printed).isTrue();
        assertThat(Files.readString(Path.of(where.group(1)).resolve("quickstart.log")))
                .contains("collector");

        Matcher dataset = Pattern.compile("Dataset: Iceberg table spool.events in (\\S+)"
                        + Pattern.quote(File.separator) + "spool" + Pattern.quote(File.separator) + "events ")
                .matcher(printed);
        assertThat(dataset.find()).as(printed).isTrue();
        Path lake = Path.of(dataset.group(1));

        Map<String, Long> printedCounts = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^  (\\w+) +(.*?) +([\\d,]+)$")
                .matcher(printed.substring(printed.indexOf("Events by type and name:"), printed.indexOf("Revenue:")));
        long printedTotal = -1;
        while (row.find()) {
            long count = Long.parseLong(row.group(3).replace(",", ""));
            if (row.group(1).equals("total")) {
                printedTotal = count;
            } else {
                printedCounts.put(row.group(1) + "\t" + row.group(2).trim(), count);
            }
        }
        assertThat(printedTotal).isGreaterThanOrEqualTo(2_000);

        String events =
                "read_parquet('" + lake.resolve("spool/events/data") + "/**/*.parquet', hive_partitioning = true)";
        Map<String, Long> inParquet = new LinkedHashMap<>();
        for (Map<String, Object> r : DuckDb.query(
                "SELECT type, coalesce(event, name, '') AS n, count(*) AS c FROM " + events + " GROUP BY ALL")) {
            inParquet.put(r.get("type") + "\t" + r.get("n"), (Long) r.get("c"));
        }
        assertThat(printedCounts).isEqualTo(inParquet);
        assertThat(inParquet.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(printedTotal);
        assertThat(inParquet.keySet())
                .extracting(k -> k.split("\t")[0])
                .contains("track", "identify", "page", "screen", "group", "alias");

        Matcher revenue =
                Pattern.compile("Revenue: EUR ([\\d,.]+) over ([\\d,]+) orders").matcher(printed);
        assertThat(revenue.find()).isTrue();
        Map<String, Object> r = DuckDb.query("SELECT sum(CAST(json_extract(properties, '$.revenue') AS DECIMAL(18,2)))"
                        + " AS revenue, count(*) AS orders FROM " + events + " WHERE event = 'Order Completed'")
                .get(0);
        assertThat(new BigDecimal(revenue.group(1).replace(",", "")))
                .isEqualByComparingTo((BigDecimal) r.get("revenue"));
        assertThat(Long.parseLong(revenue.group(2).replace(",", ""))).isEqualTo(r.get("orders"));
    }

    @Test
    void serveModeKeepsThePipelineUpAndCommitsOnSigterm() throws Exception {
        Path jar = Path.of("target", "spool-quickstart.jar").toAbsolutePath();
        Path output = dir.resolve("serve.txt");
        Path data = dir.resolve("serve-data");
        try (ChildJvm quickstart = ChildJvm.jar(jar)
                .log(output)
                .args("--serve", "--port", "0", "--data-dir", data.toString())
                .start()) {
            Matcher m = quickstart.awaitOutput(
                    Pattern.compile("collector http://localhost:(\\d+)"), Duration.ofSeconds(60));
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + m.group(1) + "/v1/track"))
                                    .header(
                                            "Authorization",
                                            "Basic "
                                                    + java.util.Base64.getEncoder()
                                                            .encodeToString(
                                                                    "quickstart:".getBytes(StandardCharsets.UTF_8)))
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                            "{\"userId\":\"u-serve\",\"event\":\"Served\",\"messageId\":\"serve-1\"}"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

            assertThat(quickstart.terminate(Duration.ofSeconds(60)))
                    .as("exit status on SIGTERM\n" + quickstart.tail())
                    .isZero();
        }
        List<Map<String, Object>> rows = DuckDb.query("SELECT message_id, event, user_id FROM "
                + DuckDb.parquetTree(data.resolve("lake").resolve("spool/events/data")));
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r)
                    .containsEntry("message_id", "serve-1")
                    .containsEntry("event", "Served")
                    .containsEntry("user_id", "u-serve");
        });
    }
}
