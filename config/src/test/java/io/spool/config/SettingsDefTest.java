package io.spool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** One declaration gives the flags, the environment, the help, the README table and the errors. */
class SettingsDefTest {
    static final Setting<Integer> PORT = Setting.builder("port", Setting.INT)
            .defaultValue(8088)
            .check(Setting.between(0, 65_535))
            .doc("Port to listen on (0: any free port)")
            .build();
    static final Setting<Duration> TIMEOUT = Setting.builder("read-timeout", Setting.DURATION)
            .defaultValue(Duration.ofSeconds(30))
            .check(Setting.durationAtLeast(Duration.ofMillis(1)))
            .doc("How long a client may take")
            .build();
    static final Setting<Long> MAX = Setting.builder("max-request-size", Setting.SIZE)
            .defaultValue(500L << 10)
            .check(Setting.sizeBetween(1, Integer.MAX_VALUE))
            .doc("Largest body | inflated")
            .build();
    static final Setting<Boolean> FSYNC = Setting.builder("fsync", Setting.BOOLEAN)
            .defaultValue(false)
            .doc("Sync each append")
            .build();
    static final Setting<List<String>> KEYS = Setting.builder("write-key", Setting.LIST)
            .defaultValue(List.of())
            .defaultText("none")
            .label("KEY")
            .env("SPOOL_WRITE_KEYS")
            .doc("A write key (repeatable)")
            .build();
    static final Setting<String> SECRET =
            Setting.builder("metrics-key", Setting.STRING).secret().doc("A key").build();
    static final SettingsDef DEF = SettingsDef.of(PORT, TIMEOUT, MAX, FSYNC, KEYS, SECRET);

    private static SettingsDef.Values parse(Map<String, String> env, String... args) {
        CommandSpec spec = DEF.addOptionsTo(CommandSpec.create());
        CommandLine cli = new CommandLine(spec);
        return DEF.resolve(cli.parseArgs(args), env);
    }

    @Test
    void flagsWinOverTheEnvironmentWhichWinsOverDefaults() {
        SettingsDef.Values v = parse(
                Map.of("SPOOL_PORT", "9000", "SPOOL_READ_TIMEOUT", "7d"),
                "--port",
                "9100",
                "--fsync",
                "--write-key",
                "a,b",
                "--write-key",
                "c");

        assertThat(v.get(PORT)).isEqualTo(9100);
        assertThat(v.source(PORT)).isEqualTo("--port");
        assertThat(v.get(TIMEOUT)).isEqualTo(Duration.ofDays(7));
        assertThat(v.source(TIMEOUT)).isEqualTo("SPOOL_READ_TIMEOUT");
        assertThat(v.get(MAX)).isEqualTo(500L << 10);
        assertThat(v.isSet(MAX)).isFalse();
        assertThat(v.get(FSYNC)).isTrue();
        assertThat(v.get(KEYS)).containsExactly("a", "b", "c");
        assertThat(v.get(SECRET)).isNull();
        assertThat(parse(Map.of(), "--fsync=false").get(FSYNC)).isFalse();
    }

    @Test
    void aBadValueNamesWhatTheUserTyped() {
        assertThatThrownBy(() -> parse(Map.of(), "--port", "70000"))
                .isInstanceOf(SettingException.class)
                .hasMessage("--port 70000: must be between 0 and 65535");
        assertThatThrownBy(() -> parse(Map.of("SPOOL_PORT", "http")))
                .hasMessage("SPOOL_PORT=http: 'http' is not a whole number");
        assertThatThrownBy(() -> parse(Map.of(), "--read-timeout", "30"))
                .hasMessage("--read-timeout 30: '30' has no unit; write 30s (seconds) or 30ms (milliseconds)");
        assertThatThrownBy(() -> parse(Map.of(), "--max-request-size", "4GB"))
                .hasMessage("--max-request-size 4GB: must be between 1 and 2147483647");
        Setting<Integer> secretNumber =
                Setting.builder("pin", Setting.INT).secret().build();
        SettingsDef def = SettingsDef.of(secretNumber);
        assertThatThrownBy(() -> def.resolve(
                        new CommandLine(def.addOptionsTo(CommandSpec.create())).parseArgs("--pin", "12x4"), Map.of()))
                .hasMessage("--pin (hidden): '12x4' is not a whole number");
    }

    @Test
    void helpAndTheReadmeTableComeFromTheDeclaration() {
        CommandSpec spec = DEF.addOptionsTo(CommandSpec.create().name("spool-test"));
        StringWriter help = new StringWriter();
        new CommandLine(spec).usage(new PrintWriter(help));

        String text = help.toString().replaceAll("\\s+", " ");
        assertThat(text)
                .contains("--port=<N> Port to listen on (0: any free port). Env SPOOL_PORT. Default: 8088.")
                .contains("--read-timeout=<DURATION> How long a client may take. Env SPOOL_READ_TIMEOUT. Default: 30s.")
                .contains(
                        "--max-request-size=<SIZE> Largest body | inflated. Env SPOOL_MAX_REQUEST_SIZE. Default: 500KB.")
                .contains("--fsync[=<BOOL>]")
                .contains("Env SPOOL_WRITE_KEYS.");
        // in the order declared
        assertThat(text.indexOf("--port=<N> Port")).isLessThan(text.indexOf("--read-timeout=<DURATION> How"));
        assertThat(DEF.markdownTable())
                .contains("| `--port` | `SPOOL_PORT` | `8088` | Port to listen on (0: any free port) |")
                .contains("| `--read-timeout` | `SPOOL_READ_TIMEOUT` | `30s` |")
                .contains("Largest body \\| inflated")
                .contains("| `--metrics-key` | `SPOOL_METRICS_KEY` | none | A key |");
    }

    @Test
    void aDefaultThatBreaksItsOwnRuleIsAProgrammingError() {
        assertThatThrownBy(() -> Setting.builder("threads", Setting.INT)
                        .defaultValue(0)
                        .check(Setting.atLeast(1))
                        .build())
                .hasMessageContaining("breaks its own rule");
        assertThatThrownBy(() -> Setting.builder("Bad_Name", Setting.INT).build())
                .hasMessageContaining("lower-case");
        assertThatThrownBy(() -> SettingsDef.of(PORT, PORT)).hasMessageContaining("declared twice");
    }
}
