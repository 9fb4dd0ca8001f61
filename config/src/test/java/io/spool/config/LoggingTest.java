package io.spool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What an operator sees on stderr with each --log-format and --log-level. */
class LoggingTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        Logging.configure("info", "text");
    }

    private List<String> lines() {
        List<String> out = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void jsonGivesOneParsableObjectPerLineWithLevelLoggerAndTheFilledInMessage() throws Exception {
        assertThat(Logging.configure("info", "json")).isTrue();
        Logger log = LoggerFactory.getLogger("io.spool.test.Json");
        log.info("listening on {}:{}", "0.0.0.0", 8088);
        log.warn("append failed \"quoted\"\nsecond line", new IllegalStateException("disk full"));

        List<String> lines = lines();
        assertThat(lines).hasSize(2); // a newline or a stack trace inside a message stays inside its object
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("loggerName").asText()).isEqualTo("io.spool.test.Json");
        assertThat(first.get("formattedMessage").asText()).isEqualTo("listening on 0.0.0.0:8088");
        assertThat(first.get("threadName").asText())
                .isEqualTo(Thread.currentThread().getName());
        assertThat(first.get("timestamp").asLong()).isPositive();
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.get("level").asText()).isEqualTo("WARN");
        assertThat(second.get("formattedMessage").asText()).isEqualTo("append failed \"quoted\"\nsecond line");
        assertThat(second.get("throwable").toString())
                .contains("IllegalStateException")
                .contains("disk full");
    }

    @Test
    void textIsOneLineWithTimeThreadLevelLoggerAndMessage() {
        Logging.configure("info", "text");
        LoggerFactory.getLogger("io.spool.test.Text").info("listening on {}", 8088);
        assertThat(lines())
                .singleElement()
                .asString()
                .matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} \\[.+] INFO io\\.spool\\.test\\.Text"
                                + " - listening on 8088");
    }

    @Test
    void configuringTheSameAgainKeepsOneLineAnEventAndAChangeStillApplies() {
        Logging.configure("info", "text");
        Logging.configure("info", "text"); // a main's defaults, then the same from its settings
        LoggerFactory.getLogger("io.spool.test.Again").info("once");
        assertThat(lines()).singleElement().asString().endsWith("INFO io.spool.test.Again - once");

        Logging.configure("warn", "text");
        LoggerFactory.getLogger("io.spool.test.Again").info("dropped");
        LoggerFactory.getLogger("io.spool.test.Again").warn("kept");
        assertThat(lines()).hasSize(2).last().asString().endsWith("WARN io.spool.test.Again - kept");
    }

    @Test
    void aLevelListSetsTheRootAndSingleLoggersWhileLibrariesStayQuietUnlessNamed() {
        Logging.configure("debug,io.spool.noisy=error", "text");
        assertThat(LoggerFactory.getLogger("io.spool.collector").isDebugEnabled())
                .isTrue();
        assertThat(LoggerFactory.getLogger("io.spool.noisy.Part").isWarnEnabled())
                .isFalse();
        // Chronicle, Iceberg and Hadoop say their routine at INFO: held at warn even under debug ...
        assertThat(LoggerFactory.getLogger("net.openhft.chronicle.queue").isInfoEnabled())
                .isFalse();
        assertThat(LoggerFactory.getLogger("org.apache.iceberg.BaseMetastoreCatalog")
                        .isInfoEnabled())
                .isFalse();
        assertThat(LoggerFactory.getLogger("org.apache.hadoop.util.NativeCodeLoader")
                        .isWarnEnabled())
                .isFalse();
        // ... unless named.
        Logging.configure("info,org.apache.iceberg=debug", "text");
        assertThat(LoggerFactory.getLogger("org.apache.iceberg.BaseMetastoreCatalog")
                        .isDebugEnabled())
                .isTrue();
        assertThat(LoggerFactory.getLogger("io.spool.collector").isDebugEnabled())
                .isFalse();
    }

    @Test
    void badValuesAreRefusedInTheWordsOfTheSetting() {
        assertThatThrownBy(() -> Logging.configure("loud", "text"))
                .hasMessage("'loud': 'loud' is not a level (trace, debug, info, warn, error, off)");
        assertThatThrownBy(() -> Logging.configure("io spool=debug", "text"))
                .hasMessageContaining("is not a logger name");
        assertThatThrownBy(() -> Logging.configure("info", "xml")).hasMessage("must be text or json");
        SettingsDef def = SettingsDef.of(Logging.LOG_LEVEL, Logging.LOG_FORMAT);
        picocli.CommandLine cli =
                new picocli.CommandLine(def.addOptionsTo(picocli.CommandLine.Model.CommandSpec.create()));
        assertThatThrownBy(() -> def.resolve(cli.parseArgs("--log-format", "xml"), java.util.Map.of()))
                .hasMessage("--log-format xml: must be text or json");
        SettingsDef.Values env = def.resolve(cli.parseArgs(), java.util.Map.of("SPOOL_LOG_LEVEL", "warn"));
        assertThat(env.get(Logging.LOG_LEVEL)).isEqualTo("warn");
        assertThat(env.get(Logging.LOG_FORMAT)).isEqualTo("text");
    }
}
