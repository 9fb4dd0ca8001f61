package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build() refuses bad settings and names the bad value. */
class CollectorBuilderTest {
    @TempDir
    Path dir;

    private Collector.Builder valid() {
        return Collector.builder().journalDir(dir.resolve("j")).writeKey("k");
    }

    @Test
    void refusesToBuildWithoutAWriteKeyUnlessAnonymousIsAllowed() {
        assertThatThrownBy(() -> Collector.builder().journalDir(dir).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no write key configured");
        Collector open = Collector.builder()
                .journalDir(dir.resolve("open"))
                .allowAnonymous(true)
                .port(0)
                .build();
        open.close();
    }

    @Test
    void namesTheBadValueAndTheBuilderMethod() {
        assertThatThrownBy(() -> valid().port(70_000).build()).hasMessage("port(70000): must be between 0 and 65535");
        assertThatThrownBy(() -> valid().maxEventBytes(0).build())
                .hasMessage("maxEventBytes(0): must be between 1 and 2147483647");
        assertThatThrownBy(
                        () -> valid().maxEventBytes(1000).maxRequestBytes(500).build())
                .hasMessage("maxEventBytes(1000): must not exceed maxRequestBytes (500)");
        assertThatThrownBy(() -> valid().rateLimit(-1).build())
                .hasMessage("rateLimit(-1): must be a finite number, 0 or more");
        assertThatThrownBy(() -> valid().rateLimit(Double.NaN).build()).hasMessageStartingWith("rateLimit(NaN): ");
        assertThatThrownBy(() -> valid().workerThreads(0).build()).hasMessage("workerThreads(0): must be at least 1");
        assertThatThrownBy(() -> valid().readTimeout(Duration.ZERO).build())
                .hasMessage("readTimeout(0s): must be at least 1ms");
        assertThatThrownBy(() -> valid().writeKey("a:b").build()).hasMessageContaining("\"a:b\"");
        assertThatThrownBy(() -> valid().maxConnections(0).build()).hasMessage("maxConnections(0): must be at least 1");
        assertThatThrownBy(() -> valid().maxHeaderBytes(512).build())
                .hasMessageStartingWith("maxHeaderBytes(512): must be between 1KB");
        assertThatThrownBy(() -> valid().metricsKey("two words").build())
                .hasMessageStartingWith("metricsKey(): ")
                .hasMessageNotContaining("two words"); // a secret is not echoed
        assertThatThrownBy(() -> Collector.builder().writeKey("k").build()).hasMessageContaining("no journal");
    }

    /** One rule per setting: what the command line refuses, the builder refuses in the same words. */
    @Test
    void theBuilderAndTheCommandLineRefuseTheSameValuesInTheSameWords() {
        record Case(String flag, String value, java.util.function.Consumer<Collector.Builder> set) {}
        java.util.List<Case> cases = java.util.List.of(
                new Case("--port", "-1", b -> b.port(-1)),
                new Case("--max-event-size", "0", b -> b.maxEventBytes(0)),
                new Case("--max-request-size", "0", b -> b.maxRequestBytes(0)),
                new Case("--rate-limit", "-5", b -> b.rateLimit(-5)),
                new Case("--io-threads", "0", b -> b.ioThreads(0)),
                new Case("--worker-threads", "0", b -> b.workerThreads(0)),
                new Case("--max-connections", "0", b -> b.maxConnections(0)),
                new Case("--max-header-size", "100", b -> b.maxHeaderBytes(100)),
                new Case("--read-timeout", "0s", b -> b.readTimeout(Duration.ZERO)),
                new Case("--metrics-key", "a\u00efb", b -> b.metricsKey("a\u00efb")),
                new Case("--console-admin-key", "short", b -> b.consoleAdminKey("short")),
                new Case(
                        "--console-writer-metrics",
                        "ftp://h/metrics",
                        b -> b.consoleWriterMetrics(java.net.URI.create("ftp://h/metrics"))),
                new Case("--write-key", "a:b", b -> b.writeKey("a:b")));
        for (Case c : cases) {
            Collector.Builder b = valid();
            c.set().accept(b);
            String builderReason = reason(
                    org.assertj.core.api.Assertions.catchThrowable(b::build).getMessage());
            java.io.StringWriter err = new java.io.StringWriter();
            picocli.CommandLine cli = CollectorMain.commandLine();
            ((CollectorMain) cli.getCommand()).env = java.util.Map.of();
            cli.setErr(new java.io.PrintWriter(err, true));
            int status = cli.execute(
                    "--journal-dir", dir.resolve("cli").toString(), "--write-key", "k", c.flag() + "=" + c.value());
            assertThat(status).as(c.flag()).isEqualTo(2);
            assertThat(reason(err.toString().strip()))
                    .as(c.flag())
                    .isEqualTo(builderReason)
                    .isNotBlank();
        }
        assertThat(dir.resolve("cli"))
                .as("no journal is created for a bad setting")
                .doesNotExist();
    }

    /** The words after the value: "port(-1): must be …" and "spool-collector: --port -1: must be …" give "must be …". */
    private static String reason(String message) {
        if (message.startsWith("spool-collector: ")) {
            String rest = message.substring("spool-collector: ".length());
            return rest.substring(rest.indexOf(": ") + 2);
        }
        return message.substring(message.indexOf("): ") + 3);
    }

    @Test
    void buildOpensNothingAndAPortInUseFailsAtStartBeforeTheJournalIsCreated() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Collector collector =
                    valid().host("127.0.0.1").port(taken.getLocalPort()).build();
            assertThat(dir.resolve("j")).as("build() opens no journal").doesNotExist();
            assertThatThrownBy(collector::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
            collector.close();
            assertThat(dir.resolve("j"))
                    .as("no journal folder for a collector that cannot listen")
                    .doesNotExist();
        }
    }
}
