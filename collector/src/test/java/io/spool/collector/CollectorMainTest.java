package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.spool.config.Setting;
import io.spool.config.SettingsDef;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's options and converters (the jar itself is run by CollectorJarIT). */
class CollectorMainTest {
    @TempDir
    Path dir;

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariable() {
        StringWriter out = new StringWriter();
        CommandLine cli = CollectorMain.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();

        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(CollectorSettings.ALL.settings()).hasSizeGreaterThan(20);
        for (Setting<?> s : CollectorSettings.ALL.settings()) {
            assertThat(help).contains(s.flag()).contains("Env " + s.env() + ". Default: " + s.defaultText() + ".");
        }
        assertThat(help)
                .contains("tail")
                .contains("serve the live console at /console")
                .doesNotContain("`");
    }

    private static SettingsDef.Values parse(Map<String, String> env, String... args) {
        return CollectorSettings.ALL.resolve(CollectorMain.commandLine().parseArgs(args), env);
    }

    @Test
    void optionsParseSizesDurationsAndRepeatedKeys() {
        SettingsDef.Values v = parse(
                Map.of(),
                "--write-key",
                "a",
                "--write-key",
                "b,c",
                "--max-event-size",
                "64KB",
                "--max-request-size",
                "1m",
                "--read-timeout",
                "500ms",
                "--shutdown-timeout",
                "2m",
                "--port",
                "9000");

        assertThat(v.get(CollectorSettings.WRITE_KEY)).containsExactly("a", "b", "c");
        assertThat(v.get(CollectorSettings.MAX_EVENT_SIZE)).isEqualTo(64 * 1024);
        assertThat(v.get(CollectorSettings.MAX_REQUEST_SIZE)).isEqualTo(1024 * 1024);
        assertThat(v.get(CollectorSettings.READ_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
        assertThat(v.get(CollectorSettings.SHUTDOWN_TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
        assertThat(v.get(CollectorSettings.PORT)).isEqualTo(9000);
    }

    @Test
    void theEnvironmentFillsWhatTheCommandLineLeaves() {
        SettingsDef.Values v = parse(
                Map.of(
                        "SPOOL_PORT",
                        "9100",
                        "SPOOL_WRITE_KEYS",
                        "k1,k2",
                        "SPOOL_READ_TIMEOUT",
                        "7d",
                        "SPOOL_FSYNC",
                        "true"),
                "--port",
                "9200");

        assertThat(v.get(CollectorSettings.PORT)).isEqualTo(9200);
        assertThat(v.get(CollectorSettings.WRITE_KEY)).containsExactly("k1", "k2");
        assertThat(v.get(CollectorSettings.READ_TIMEOUT)).isEqualTo(Duration.ofDays(7));
        assertThat(v.get(CollectorSettings.FSYNC)).isTrue();
    }

    @Test
    void defaultsAreSegmentsLimits() {
        SettingsDef.Values v = parse(Map.of());

        assertThat(v.get(CollectorSettings.PORT)).isEqualTo(8088);
        assertThat(v.get(CollectorSettings.MAX_EVENT_SIZE)).isEqualTo(32 * 1024);
        assertThat(v.get(CollectorSettings.MAX_REQUEST_SIZE)).isEqualTo(500 * 1024);
        assertThat(v.get(CollectorSettings.MAX_CONNECTIONS)).isEqualTo(Collector.Builder.DEFAULT_MAX_CONNECTIONS);
        assertThat(v.get(CollectorSettings.MAX_HEADER_SIZE)).isEqualTo(Collector.Builder.DEFAULT_MAX_HEADER_BYTES);
        assertThat(v.get(CollectorSettings.TLS_KEYSTORE)).isNull();
        assertThat(v.get(CollectorSettings.METRICS_KEY)).isNull();
    }

    @Test
    void connectionTlsAndMetricsOptionsParse() {
        SettingsDef.Values v = parse(
                Map.of(),
                "--max-connections",
                "500",
                "--max-header-size",
                "8KB",
                "--tls-keystore",
                "/etc/spool/server.p12",
                "--tls-keystore-password",
                "pw",
                "--metrics-key",
                "m");

        assertThat(v.get(CollectorSettings.MAX_CONNECTIONS)).isEqualTo(500);
        assertThat(v.get(CollectorSettings.MAX_HEADER_SIZE)).isEqualTo(8 * 1024);
        assertThat(v.get(CollectorSettings.TLS_KEYSTORE)).isEqualTo(Path.of("/etc/spool/server.p12"));
        assertThat(v.get(CollectorSettings.TLS_KEYSTORE_PASSWORD)).isEqualTo("pw");
        assertThat(v.get(CollectorSettings.METRICS_KEY)).isEqualTo("m");
    }

    @Test
    void aMissingKeystoreOrAWrongPasswordStopsStartUpWithOneLineAndStatus2() {
        TestKeystore keystore = TestKeystore.generate(dir, "PKCS12", "right-password");
        Path missing = dir.resolve("missing.p12");

        assertThat(run("--tls-keystore", missing.toString(), "--tls-keystore-password", "x"))
                .isEqualTo(new Run(2, "spool-collector: TLS keystore " + missing + " does not exist\n"));
        assertThat(run("--tls-keystore", keystore.file().toString(), "--tls-keystore-password", "wrong"))
                .isEqualTo(new Run(
                        2, "spool-collector: TLS keystore " + keystore.file() + " did not open: wrong password\n"));
        assertThat(run("--tls-keystore-password", "orphan"))
                .isEqualTo(new Run(
                        2,
                        "spool-collector: --tls-keystore-password (SPOOL_TLS_KEYSTORE_PASSWORD) is set but"
                                + " --tls-keystore (SPOOL_TLS_KEYSTORE) is not\n"));
        assertThat(OpenFiles.under(dir))
                .as("the journal is not opened when start-up fails")
                .isEmpty();
    }

    private record Run(int status, String stderr) {}

    /** Runs the command line (it returns before it would serve: these configurations fail first). */
    private Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = CollectorMain.commandLine();
        ((CollectorMain) cli.getCommand()).env = Map.of();
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        System.arraycopy(
                new String[] {"--journal-dir", dir.resolve("journal").toString(), "--write-key", "k"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        int status = cli.execute(all);
        return new Run(status, err.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aBadValueIsOneLineNamingWhatTheUserTypedAndStatus2() {
        assertThat(run("--max-event-size", "lots"))
                .isEqualTo(
                        new Run(
                                2,
                                "spool-collector: --max-event-size lots: 'lots' is not a size like 32KB, 256MB, 1GiB or 500000\n"));
        assertThat(run("--port", "70000"))
                .isEqualTo(new Run(2, "spool-collector: --port 70000: must be between 0 and 65535\n"));
        assertThat(run("--read-timeout", "30"))
                .isEqualTo(
                        new Run(
                                2,
                                "spool-collector: --read-timeout 30: '30' has no unit; write 30s (seconds) or 30ms (milliseconds)\n"));
        assertThat(run("--max-request-size", "9000000000TB").stderr())
                .startsWith("spool-collector: --max-request-size 9000000000TB: ");
        assertThat(run("--no-such-flag")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.stderr())
                    .startsWith("spool-collector: Unknown option: '--no-such-flag'")
                    .endsWith("(see --help)\n")
                    .hasLineCount(1);
        });
        assertThat(OpenFiles.under(dir))
                .as("nothing is opened when a setting is bad")
                .isEmpty();
    }

    @Test
    void aBadEnvironmentVariableIsNamedAsSuch() {
        StringWriter err = new StringWriter();
        CommandLine cli = CollectorMain.commandLine();
        ((CollectorMain) cli.getCommand()).env = Map.of("SPOOL_MAX_CONNECTIONS", "many");
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute(
                        "--write-key",
                        "k",
                        "--journal-dir",
                        dir.resolve("journal").toString()))
                .isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("spool-collector: SPOOL_MAX_CONNECTIONS=many: 'many' is not a whole number");
    }

    @Test
    void aPortInUseIsOneLineNamingHostAndPortExit2AndNoJournalIsCreated() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Run r = run("--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(r.status()).isEqualTo(2);
            assertThat(r.stderr())
                    .hasLineCount(1)
                    .startsWith("spool-collector: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .containsIgnoringCase("address already in use");
            assertThat(dir.resolve("journal"))
                    .as("the port is bound before the journal is created")
                    .doesNotExist();
        }
    }

    @Test
    void anEventLimitOverTheRequestLimitNamesBothFlags() {
        assertThat(run("--max-event-size", "600KB"))
                .isEqualTo(new Run(
                        2, "spool-collector: --max-event-size 600KB: must not exceed --max-request-size (500KB)\n"));
    }
}
