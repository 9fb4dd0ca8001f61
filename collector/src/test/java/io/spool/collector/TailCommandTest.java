package io.spool.collector;

import static io.spool.collector.TestCollector.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code spool-collector tail}: what a script reading the journal gets, beside a running collector. */
class TailCommandTest {
    @TempDir
    Path dir;

    /** Runs {@code tail} with {@code args}; returns its exit status, stdout lines and stderr. */
    private static Run tail(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = CollectorMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "tail";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = cli.execute(all);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (!line.isEmpty()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (Exception e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
        }
        return new Run(status, lines, err.toString());
    }

    record Run(int status, List<JsonNode> lines, String err) {}

    @Test
    void printsStoredEventsAsJsonLinesFromTheStart() {
        try (TestCollector c = new TestCollector(dir)) {
            assertThat(c.post(
                                    "/v1/batch",
                                    "{\"batch\":[{\"type\":\"track\",\"event\":\"Launch 🚀\",\"userId\":\"u1\","
                                            + "\"messageId\":\"m1\",\"properties\":{\"revenue\":9.5,\"tags\":[\"a\"]},\"timestamp\":\"2026-12-02T10:00:00Z\"},"
                                            + "{\"type\":\"identify\",\"userId\":\"u2\",\"traits\":{\"plan\":\"pro\"}}]}")
                            .status())
                    .isEqualTo(200);

            Run run = tail("--journal-dir", dir.resolve("journal").toString(), "--from", "start", "--no-follow");

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.lines()).hasSize(2);
            JsonNode track = run.lines().get(0);
            assertThat(track.get("type").asText()).isEqualTo("track");
            assertThat(track.get("event").asText()).isEqualTo("Launch 🚀");
            assertThat(track.get("messageId").asText()).isEqualTo("m1");
            assertThat(track.get("userId").asText()).isEqualTo("u1");
            assertThat(track.get("timestamp").asText()).isEqualTo("2026-12-02T10:00:00Z");
            assertThat(track.get("properties").get("revenue").asDouble()).isEqualTo(9.5);
            assertThat(track.get("properties").get("tags").get(0).asText()).isEqualTo("a");
            assertThat(track.get("writeKey").asText()).isEqualTo(TestCollector.KEY);
            assertThat(track.get("receivedAt").asText()).isNotEmpty();
            assertThat(track.get("journalIndex").asLong()).isPositive();
            JsonNode identify = run.lines().get(1);
            assertThat(identify.get("type").asText()).isEqualTo("identify");
            assertThat(identify.get("traits").get("plan").asText()).isEqualTo("pro");
            assertThat(identify.get("messageId").asText())
                    .as("set by the collector")
                    .isNotEmpty();
        }
    }

    @Test
    void deadLettersComeWithTheirReasonAndPayloadAsReceived() {
        try (TestCollector c = new TestCollector(dir)) {
            assertThat(c.post(
                                    "/v1/batch",
                                    "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\"},"
                                            + "{\"type\":\"track\",\"event\":\"ok\",\"userId\":\"u1\"}]}")
                            .status())
                    .isEqualTo(200);

            Run letters = tail(
                    "--journal-dir",
                    dir.resolve("journal").toString(),
                    "--from",
                    "start",
                    "--no-follow",
                    "--dead-letters");
            Run events = tail("--journal-dir", dir.resolve("journal").toString(), "--from", "start", "--no-follow");

            assertThat(letters.status()).as(letters.err()).isZero();
            assertThat(letters.lines()).hasSize(1);
            JsonNode letter = letters.lines().get(0);
            assertThat(letter.get("deadLetter").asBoolean()).isTrue();
            assertThat(letter.get("reason").asText()).contains("event");
            assertThat(letter.get("batchIndex").asInt()).isZero();
            assertThat(JSON.readTree(letter.get("payload").asText())
                            .get("userId")
                            .asText())
                    .isEqualTo("u1");
            assertThat(events.lines()).extracting(n -> n.get("event").asText()).containsExactly("ok");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fromNowFollowsNewAppendsOnly() throws Exception {
        try (TestCollector c = new TestCollector(dir)) {
            assertThat(c.post("/v1/track", "{\"event\":\"before\",\"userId\":\"u\"}")
                            .status())
                    .isEqualTo(200);
            String journalDir = dir.resolve("journal").toString();

            CompletableFuture<Run> following =
                    CompletableFuture.supplyAsync(() -> tail("--journal-dir", journalDir, "--limit", "2"));
            // The tail starts at the end; events posted until it has printed two are what it must print.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int sent = 0;
            while (!following.isDone() && System.nanoTime() < deadline) {
                assertThat(c.post("/v1/track", "{\"event\":\"after\",\"userId\":\"u\"}")
                                .status())
                        .isEqualTo(200);
                sent++;
                try {
                    following.get(50, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // post another
                }
            }
            Run run = following.get(1, TimeUnit.SECONDS);

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.lines())
                    .hasSize(2)
                    .allSatisfy(n -> assertThat(n.get("event").asText()).isEqualTo("after"));
            assertThat(sent).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void fromATimeOrADurationAgoSkipsWhatCameBefore() {
        try (TestCollector c = new TestCollector(dir)) {
            assertThat(c.post("/v1/track", "{\"event\":\"one\",\"userId\":\"u\"}")
                            .status())
                    .isEqualTo(200);
            String journalDir = dir.resolve("journal").toString();

            assertThat(tail("--journal-dir", journalDir, "--from", "10m", "--no-follow")
                            .lines())
                    .extracting(n -> n.get("event").asText())
                    .containsExactly("one");
            assertThat(tail(
                                    "--journal-dir",
                                    journalDir,
                                    "--from",
                                    Instant.now().plusSeconds(60).toString(),
                                    "--no-follow")
                            .lines())
                    .isEmpty();
            assertThat(tail("--journal-dir", journalDir, "--from", "now", "--no-follow")
                            .lines())
                    .isEmpty();
        }
    }

    @Test
    void aMistypedJournalOrBadFromIsOneLineAndExit2() {
        Path missing = dir.resolve("no-such-journal");

        Run noJournal = tail("--journal-dir", missing.toString(), "--no-follow");
        Run badFrom = tail("--journal-dir", missing.toString(), "--from", "yesterday-ish");

        assertThat(noJournal.status()).isEqualTo(2);
        assertThat(noJournal.err().strip())
                .startsWith("spool-collector tail: no journal at")
                .doesNotContain("\n");
        assertThat(missing).doesNotExist();
        assertThat(badFrom.status()).isEqualTo(2);
        assertThat(badFrom.err().strip()).contains("--from 'yesterday-ish'").doesNotContain("\n");
    }

    @Test
    void durationsAreMeasuredBackFromTheClock() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

        assertThat(TailCommand.parseFrom("2h", clock))
                .isEqualTo(Instant.parse("2026-12-02T08:00:00Z").toEpochMilli());
        assertThat(TailCommand.parseFrom("PT30S", clock))
                .isEqualTo(Instant.parse("2026-12-02T09:59:30Z").toEpochMilli());
        assertThat(TailCommand.parseFrom("start", clock)).isEqualTo(Long.MIN_VALUE);
        assertThat(TailCommand.parseFrom("now", clock)).isEqualTo(Long.MAX_VALUE);
        assertThat(TailCommand.parseFrom("7d", clock))
                .isEqualTo(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
        assertThat(TailCommand.parseFrom("2026-12-02T09:00:00Z", clock))
                .isEqualTo(Instant.parse("2026-12-02T09:00:00Z").toEpochMilli());
        assertThat(TailCommand.parseFrom("soon", clock)).isNull();
    }
}
