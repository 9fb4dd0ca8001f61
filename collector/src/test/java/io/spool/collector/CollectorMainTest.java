package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's options and converters (the jar itself is run by CollectorJarIT). */
class CollectorMainTest {
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
                "--shutdown-timeout"}) {
            assertThat(help).contains(option);
        }
        for (String env : new String[] {"SPOOL_PORT", "SPOOL_JOURNAL_DIR", "SPOOL_WRITE_KEYS", "SPOOL_WRITE_KEYS_FILE",
                "SPOOL_ALLOW_ANONYMOUS", "SPOOL_MAX_EVENT_SIZE", "SPOOL_MAX_REQUEST_SIZE", "SPOOL_TRUST_PROXY",
                "SPOOL_FSYNC", "SPOOL_RATE_LIMIT"}) {
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
