package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
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
        CommandLine cli = new CommandLine(new CollectorMain());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();

        String help = out.toString();
        for (String option : new String[] {"--port", "--host", "--journal-dir", "--write-key", "--write-keys-file",
                "--allow-anonymous", "--max-event-size", "--max-request-size", "--trust-proxy", "--fsync",
                "--rate-limit", "--min-free-disk", "--io-threads", "--worker-threads", "--read-timeout",
                "--shutdown-timeout", "--max-connections", "--max-header-size", "--tls-keystore", "--tls-keystore-password",
                "--metrics-key"}) {
            assertThat(help).contains(option);
        }
        for (String env : new String[] {"SPOOL_PORT", "SPOOL_JOURNAL_DIR", "SPOOL_WRITE_KEYS", "SPOOL_WRITE_KEYS_FILE",
                "SPOOL_ALLOW_ANONYMOUS", "SPOOL_MAX_EVENT_SIZE", "SPOOL_MAX_REQUEST_SIZE", "SPOOL_TRUST_PROXY",
                "SPOOL_FSYNC", "SPOOL_RATE_LIMIT", "SPOOL_MIN_FREE_DISK", "SPOOL_IO_THREADS", "SPOOL_WORKER_THREADS",
                "SPOOL_READ_TIMEOUT", "SPOOL_SHUTDOWN_TIMEOUT", "SPOOL_HOST", "SPOOL_MAX_CONNECTIONS", "SPOOL_MAX_HEADER_SIZE",
                "SPOOL_TLS_KEYSTORE", "SPOOL_TLS_KEYSTORE_PASSWORD", "SPOOL_METRICS_KEY", "SPOOL_CONSOLE", "SPOOL_CONSOLE_ADMIN_KEY", "SPOOL_CONSOLE_WRITER_METRICS"}) {
            assertThat(help).contains(env);
        }
    }

    @Test
    void optionsParseSizesDurationsAndRepeatedKeys() {
        CollectorMain main = new CollectorMain();
        new CommandLine(main).parseArgs("--write-key", "a", "--write-key", "b,c", "--max-event-size", "64KB",
                "--max-request-size", "1m", "--read-timeout", "500ms", "--shutdown-timeout", "2m", "--port", "9000");

        assertThat(main.writeKeys).containsExactly("a", "b", "c");
        assertThat(main.maxEventSize).isEqualTo(64 * 1024);
        assertThat(main.maxRequestSize).isEqualTo(1024 * 1024);
        assertThat(main.readTimeout).isEqualTo(Duration.ofMillis(500));
        assertThat(main.shutdownTimeout).isEqualTo(Duration.ofMinutes(2));
        assertThat(main.port).isEqualTo(9000);
    }

    @Test
    void defaultsAreSegmentsLimits() {
        CollectorMain main = new CollectorMain();
        new CommandLine(main).parseArgs();

        assertThat(main.port).isEqualTo(8088);
        assertThat(main.maxEventSize).isEqualTo(32 * 1024);
        assertThat(main.maxRequestSize).isEqualTo(500 * 1024);
        assertThat(main.maxConnections).isEqualTo(Collector.Builder.DEFAULT_MAX_CONNECTIONS);
        assertThat(main.maxHeaderSize).isEqualTo(Collector.Builder.DEFAULT_MAX_HEADER_BYTES);
        assertThat(main.tlsKeystore).isNull();
        assertThat(main.metricsKey).isNull();
    }

    @Test
    void connectionTlsAndMetricsOptionsParse() {
        CollectorMain main = new CollectorMain();
        new CommandLine(main).parseArgs("--max-connections", "500", "--max-header-size", "8KB",
                "--tls-keystore", "/etc/spool/server.p12", "--tls-keystore-password", "pw", "--metrics-key", "m");

        assertThat(main.maxConnections).isEqualTo(500);
        assertThat(main.maxHeaderSize).isEqualTo(8 * 1024);
        assertThat(main.tlsKeystore).isEqualTo(Path.of("/etc/spool/server.p12"));
        assertThat(main.tlsKeystorePassword).isEqualTo("pw");
        assertThat(main.metricsKey).isEqualTo("m");
    }

    @Test
    void aMissingKeystoreOrAWrongPasswordStopsStartUpWithOneLineAndStatus2() {
        TestKeystore keystore = TestKeystore.generate(dir, "PKCS12", "right-password");
        Path missing = dir.resolve("missing.p12");

        assertThat(run("--tls-keystore", missing.toString(), "--tls-keystore-password", "x"))
                .isEqualTo(new Run(2, "spool-collector: TLS keystore " + missing + " does not exist\n"));
        assertThat(run("--tls-keystore", keystore.file().toString(), "--tls-keystore-password", "wrong"))
                .isEqualTo(new Run(2, "spool-collector: TLS keystore " + keystore.file() + " did not open: wrong password\n"));
        assertThat(run("--tls-keystore-password", "orphan"))
                .isEqualTo(new Run(2, "spool-collector: --tls-keystore-password (SPOOL_TLS_KEYSTORE_PASSWORD) is set but"
                        + " --tls-keystore (SPOOL_TLS_KEYSTORE) is not\n"));
        assertThat(OpenFiles.under(dir)).as("the journal is not opened when start-up fails").isEmpty();
    }

    private record Run(int status, String stderr) {
    }

    /** Runs the command line (it returns before it would serve: these configurations fail first). */
    private Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CollectorMain());
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--journal-dir", dir.resolve("journal").toString(), "--write-key", "k"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        int status = cli.execute(all);
        return new Run(status, err.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aBadSizeIsAClearError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CollectorMain());
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("--max-event-size", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("'lots' is not a size like 32KB or 500000");
    }
}
