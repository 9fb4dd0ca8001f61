package io.spool.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--short", "--data-dir", dir.resolve("data").toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("quickstart finished").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Check: the Parquet files hold exactly the events the shop tracked.");

        Matcher dataset = Pattern.compile("Dataset: Iceberg table spool.events in (\\S+)" + Pattern.quote(File.separator) + "spool"
                + Pattern.quote(File.separator) + "events ").matcher(printed);
        assertThat(dataset.find()).as(printed).isTrue();
        Path lake = Path.of(dataset.group(1));

        Map<String, Long> printedCounts = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^  (\\w+) +(.*?) +([\\d,]+)$").matcher(
                printed.substring(printed.indexOf("Events by type and name:"), printed.indexOf("Revenue:")));
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

        String events = "read_parquet('" + lake.resolve("spool/events/data") + "/**/*.parquet', hive_partitioning = true)";
        Map<String, Long> inParquet = new LinkedHashMap<>();
        for (Map<String, Object> r : Pipeline.query("SELECT type, coalesce(event, name, '') AS n, count(*) AS c FROM "
                + events + " GROUP BY ALL")) {
            inParquet.put(r.get("type") + "\t" + r.get("n"), (Long) r.get("c"));
        }
        assertThat(printedCounts).isEqualTo(inParquet);
        assertThat(inParquet.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(printedTotal);
        assertThat(inParquet.keySet()).extracting(k -> k.split("\t")[0])
                .contains("track", "identify", "page", "screen", "group", "alias");

        Matcher revenue = Pattern.compile("Revenue: EUR ([\\d,.]+) over ([\\d,]+) orders").matcher(printed);
        assertThat(revenue.find()).isTrue();
        Map<String, Object> r = Pipeline.query("SELECT sum(CAST(json_extract(properties, '$.revenue') AS DECIMAL(18,2)))"
                + " AS revenue, count(*) AS orders FROM " + events + " WHERE event = 'Order Completed'").get(0);
        assertThat(new BigDecimal(revenue.group(1).replace(",", ""))).isEqualByComparingTo((BigDecimal) r.get("revenue"));
        assertThat(Long.parseLong(revenue.group(2).replace(",", ""))).isEqualTo(r.get("orders"));
    }

    @Test
    void serveModeKeepsThePipelineUpAndCommitsOnSigterm() throws Exception {
        Path jar = Path.of("target", "spool-quickstart.jar").toAbsolutePath();
        Path output = dir.resolve("serve.txt");
        Path data = dir.resolve("serve-data");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--serve", "--port", "0", "--data-dir", data.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            Pattern serving = Pattern.compile("collector http://localhost:(\\d+)");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Matcher m = serving.matcher("");
            while (!(m = serving.matcher(Files.readString(output))).find()) {
                assertThat(process.isAlive()).as(Files.readString(output)).isTrue();
                assertThat(System.nanoTime()).as("serve mode came up").isLessThan(deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // poll
            }
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + m.group(1) + "/v1/track"))
                            .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                                    .encodeToString("quickstart:".getBytes(StandardCharsets.UTF_8)))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"userId\":\"u-serve\",\"event\":\"Served\",\"messageId\":\"serve-1\"}"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
            assertThat(process.exitValue()).as(Files.readString(output)).isZero();
        } finally {
            process.destroyForcibly();
        }
        List<Map<String, Object>> rows = Pipeline.query("SELECT message_id, event, user_id FROM read_parquet('"
                + data.resolve("lake").resolve("spool/events/data") + "/**/*.parquet', hive_partitioning = true)");
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("message_id", "serve-1").containsEntry("event", "Served")
                    .containsEntry("user_id", "u-serve");
        });
    }
}
