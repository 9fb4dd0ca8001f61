package io.spool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one reading of durations and sizes every jar shares. */
class DurationsAndSizesTest {
    @Test
    void durationsWithAUnitOrIso() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse(" 5m ")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("7D")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("pt1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("P7D")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("0")).isZero();
    }

    @Test
    void aDurationThatCouldMeanTwoThingsIsRefusedWithTheFix() {
        assertThatThrownBy(() -> Durations.parse("30"))
                .hasMessage("'30' has no unit; write 30s (seconds) or 30ms (milliseconds)");
        assertThatThrownBy(() -> Durations.parse("30 weeks")).hasMessageContaining("unknown unit 'weeks'");
        assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("-PT5S")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999d")).hasMessageContaining("too long");
        assertThatThrownBy(() -> Durations.parse("9999999999999999d")).hasMessageContaining("too long");
    }

    @Test
    void durationsFormatBackToWhatParses() {
        for (String s : new String[] {"500ms", "30s", "5m", "2h", "7d", "0s", "1500ms", "90s"}) {
            assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
        }
    }

    @Test
    void sizesArePowersOf1024AndNeverWrap() {
        assertThat(Sizes.parse("500000")).isEqualTo(500_000);
        assertThat(Sizes.parse("32KB")).isEqualTo(32 * 1024);
        assertThat(Sizes.parse("32kb")).isEqualTo(32 * 1024);
        assertThat(Sizes.parse("256 MB")).isEqualTo(256L << 20);
        assertThat(Sizes.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("2T")).isEqualTo(2L << 40);
        assertThat(Sizes.parse("10B")).isEqualTo(10);
        assertThatThrownBy(() -> Sizes.parse("9000000000TB")).hasMessageContaining("larger than");
        assertThatThrownBy(() -> Sizes.parse("99999999999999999999")).hasMessageContaining("larger than");
        assertThatThrownBy(() -> Sizes.parse("-1KB")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Sizes.parse("12 parsecs")).hasMessageContaining("unknown unit 'parsecs'");
        assertThat(Sizes.format(32 * 1024)).isEqualTo("32KB");
        assertThat(Sizes.format(256L << 20)).isEqualTo("256MB");
        assertThat(Sizes.format(1000)).isEqualTo("1000");
    }
}
