package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spool.config.Setting;
import io.spool.config.SettingsDef;
import io.spool.testsupport.ChildJvm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The writer's command line in this JVM: options, {@code --help}, {@code --version}, one-line errors
 * with exit status 2, and the start-up checks (exit statuses of a running writer: {@link WriterExitStatusTest}).
 */
class StorageWriterMainTest {
    @TempDir
    Path dir;

    /** What a run printed and returned. */
    private record Run(int status, String out, String err) {}

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StorageWriterMain.commandLine();
        ((StorageWriterMain) cli.getCommand()).env = env;
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static SettingsDef.Values parse(Map<String, String> env, String... args) {
        return WriterSettings.ALL.resolve(StorageWriterMain.commandLine().parseArgs(args), env);
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndTheExitStatuses() {
        Run r = run(Map.of(), "--help");

        assertThat(r.status()).isZero();
        String help = r.out().replaceAll("\\s+", " ");
        assertThat(WriterSettings.ALL.settings()).hasSizeGreaterThan(20);
        for (Setting<?> s : WriterSettings.ALL.settings()) {
            assertThat(help).contains(s.flag()).contains("Env " + s.env() + ". Default: " + s.defaultText() + ".");
        }
        assertThat(help)
                .contains("Exit status: 0")
                .contains(" 1 ")
                .contains(" 2 a bad setting")
                .doesNotContain("`");
    }

    @Test
    void versionNamesTheWriter() {
        Run r = run(Map.of(), "--version");

        assertThat(r.status()).isZero();
        // the jar's manifest carries the version (shade's manifestEntries); classes from target/ have none
        assertThat(r.out().strip()).matches("spool-storage-writer (\\d+\\.\\d+\\.\\d+.*|\\(development build\\))");
    }

    @Test
    void durationsAndSizesReadTheSharedGrammar() {
        SettingsDef.Values v = parse(
                Map.of("SPOOL_RETENTION", "P7D", "SPOOL_ROLL_BYTES", "64MB"),
                "--roll-interval",
                "PT30S",
                "--dedup-window",
                "7d",
                "--snapshot-retention",
                "5m",
                "--roll-bytes",
                "1GiB",
                "--roll-rows",
                "5_000",
                "--compression",
                "SNAPPY",
                "--catalog-property",
                "a=1",
                "--catalog-property",
                "b=2,c=3");

        assertThat(v.get(WriterSettings.ROLL_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(v.get(WriterSettings.DEDUP_WINDOW)).isEqualTo(Duration.ofDays(7));
        assertThat(v.get(WriterSettings.SNAPSHOT_RETENTION)).isEqualTo(Duration.ofMinutes(5));
        assertThat(v.get(WriterSettings.RETENTION)).isEqualTo(Duration.ofDays(7));
        assertThat(v.get(WriterSettings.ROLL_BYTES))
                .as("the flag wins over SPOOL_ROLL_BYTES")
                .isEqualTo(1L << 30);
        assertThat(v.get(WriterSettings.ROLL_ROWS)).isEqualTo(5_000);
        assertThat(v.get(WriterSettings.COMPRESSION)).isEqualTo(Compression.SNAPPY);
        assertThat(v.get(WriterSettings.CATALOG_PROPERTY)).containsExactly("a=1", "b=2", "c=3");
    }

    @Test
    void defaultsAreTheBuildersDefaults() {
        SettingsDef.Values v = parse(Map.of());

        assertThat(v.get(WriterSettings.ROLL_INTERVAL)).isEqualTo(Duration.ofSeconds(60));
        assertThat(v.get(WriterSettings.ROLL_BYTES)).isEqualTo(512L << 20);
        assertThat(v.get(WriterSettings.RETENTION)).isEqualTo(Duration.ofDays(7));
        assertThat(v.get(WriterSettings.METRICS_PORT)).isZero();
        assertThat(v.get(WriterSettings.DRAIN)).isFalse();
        assertThat(v.get(WriterSettings.DRAIN_ATTEMPTS)).isEqualTo(6);
        assertThat(v.get(WriterSettings.JOURNAL_DIR)).isNull();
    }

    @Test
    void aBadValueIsOneLineNamingWhatTheUserTypedAndExitTwo() throws Exception {
        Path journal = Files.createDirectories(dir.resolve("journal"));
        String[] base = {
            "--journal-dir", journal.toString(), "--output", dir.resolve("lake").toString()
        };
        Map<String, List<String>> cases = Map.of(
                "--roll-interval 30: '30' has no unit; write 30s", List.of("--roll-interval", "30"),
                "--roll-rows 0: must be at least 1", List.of("--roll-rows", "0"),
                "--metrics-port 70000: must be between 0 and 65535", List.of("--metrics-port", "70000"),
                "--compression lz4: 'lz4' is not one of zstd, snappy, gzip, none", List.of("--compression", "lz4"),
                "--writer-id a b: must be 1 to 64", List.of("--writer-id", "a b"),
                "--table events: must be namespace.name", List.of("--table", "events"),
                "--orphan-age 5m: must be at least 1h while upkeep runs", List.of("--orphan-age", "5m"),
                "--log-format xml: must be text or json", List.of("--log-format", "xml"),
                "Unknown options: '--rol-interval'", List.of("--rol-interval", "5m"));
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of(base));
            args.addAll(c.getValue());
            Run r = run(Map.of(), args.toArray(String[]::new));
            assertThat(r.status()).as(c.getKey()).isEqualTo(2);
            assertThat(r.err())
                    .as(c.getKey())
                    .startsWith("spool-storage-writer: ")
                    .contains(c.getKey())
                    .doesNotContain("Usage:")
                    .doesNotContain("\tat ");
            assertThat(r.err().strip().lines()).as(c.getKey()).hasSize(1);
        }
        Run overflow = run(Map.of("SPOOL_ROLL_BYTES", "9999999999TB"), base);
        assertThat(overflow.status()).isEqualTo(2);
        assertThat(overflow.err().strip())
                .isEqualTo("spool-storage-writer: SPOOL_ROLL_BYTES=9999999999TB: '9999999999TB' is larger than "
                        + Long.MAX_VALUE + " bytes");
        assertThat(Files.exists(dir.resolve("lake")))
                .as("nothing made for a run refused")
                .isFalse();
    }

    @Test
    void theBuilderAppliesTheSameRulesInItsOwnWords() {
        assertThatThrownBy(() -> StorageWriter.builder()
                        .journalDir(dir)
                        .output(dir)
                        .rollRows(0)
                        .build())
                .hasMessage("rollRows(0): must be at least 1 (--roll-rows on the command line)");
        assertThatThrownBy(() -> StorageWriter.builder()
                        .journalDir(dir)
                        .output(dir)
                        .rollInterval(Duration.ZERO)
                        .build())
                .hasMessageStartingWith("rollInterval(0s): must be at least 1ms");
        assertThatThrownBy(() -> StorageWriter.builder()
                        .journalDir(dir)
                        .output(dir)
                        .retention(Duration.ofDays(-1))
                        .build())
                .hasMessageStartingWith("retention(PT-24H): must not be negative");
        assertThatThrownBy(() -> StorageWriter.builder()
                        .journalDir(dir)
                        .output(dir)
                        .dedupMemory(1000)
                        .build())
                .hasMessageStartingWith("dedupMemory(1000): must be between 1MB and");
        assertThatThrownBy(() -> StorageWriter.builder()
                        .journalDir(dir)
                        .output(dir)
                        .drainAttempts(0)
                        .build())
                .hasMessageStartingWith("drainAttempts(0): must be between 1 and 100");
    }

    @Test
    void aMissingJournalIsRefusedNotCreatedUnlessAskedFor() {
        Path missing = dir.resolve("jounral"); // a typo
        Run r = run(
                Map.of("SPOOL_JOURNAL_DIR", missing.toString()),
                "--output",
                dir.resolve("lake").toString());

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo("spool-storage-writer: SPOOL_JOURNAL_DIR " + missing + ": no such folder;"
                        + " give the folder the collector's --journal-dir names, or add --create-journal if the writer may start"
                        + " before the collector first runs");
        assertThat(Files.exists(missing)).as("the mistyped folder").isFalse();

        Run none = run(Map.of(), "--output", dir.resolve("lake").toString());
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("--journal-dir (or SPOOL_JOURNAL_DIR) is required");
    }

    @Test
    void createJournalMakesTheFolderAndADrainOfNothingExitsZero() throws Exception {
        // a real process: a drain in this JVM would take over its SIGTERM handling
        Path journal = dir.resolve("new-journal");
        Path log = dir.resolve("drain.log");
        try (ChildJvm drain = ChildJvm.main(StorageWriterMain.class)
                .jvmArgs(ChildJvm.QUICK_START)
                .jvmArgs("-Dspool.drain.relaunch=false")
                .log(log)
                .args(
                        "--journal-dir",
                        journal.toString(),
                        "--create-journal",
                        "--output",
                        dir.resolve("lake").toString(),
                        "--writer-id",
                        "w1",
                        "--drain",
                        "--upkeep-interval",
                        "0s")
                .start()) {
            assertThat(drain.awaitExit(Duration.ofSeconds(60)))
                    .as(Files.readString(log))
                    .isZero();
        }
        assertThat(Files.isDirectory(journal)).isTrue();
    }

    @Test
    void anOutputTheWriterCannotWriteIsRefusedAtStartUp() throws Exception {
        Path journal = Files.createDirectories(dir.resolve("journal"));
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        String output = file.resolve("lake").toString(); // under a file: no folder can be made there
        Run r = run(Map.of(), "--journal-dir", journal.toString(), "--output", output);

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("spool-storage-writer: --output " + output + ": cannot create ");
        assertThat(r.err().strip().lines()).hasSize(1);

        Run onFile = run(Map.of("SPOOL_OUTPUT", file.toString()), "--journal-dir", journal.toString());
        assertThat(onFile.status()).isEqualTo(2);
        assertThat(onFile.err().strip())
                .isEqualTo("spool-storage-writer: SPOOL_OUTPUT " + file + ": " + file + " is a file, not a folder");
        assertThat(Files.list(dir.resolve("journal")))
                .as("nothing written beside the journal")
                .isEmpty();
    }

    @Test
    void aMetricsPortInUseIsOneLineNamingIt() throws Exception {
        Path journal = Files.createDirectories(dir.resolve("journal"));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            int port = taken.getLocalPort();
            Map<String, String> env = new HashMap<>();
            env.put("SPOOL_METRICS_PORT", String.valueOf(port));
            Run r = run(
                    env,
                    "--journal-dir",
                    journal.toString(),
                    "--output",
                    dir.resolve("lake").toString(),
                    "--writer-id",
                    "w1");

            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err().strip())
                    .isEqualTo("spool-storage-writer: SPOOL_METRICS_PORT " + port + ": 0.0.0.0:" + port
                            + " is already in use (another writer's metrics?); pick a free port, or 0 for no metrics");
        }
    }
}
