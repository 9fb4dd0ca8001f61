package io.spool.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A client with a wrong key sends many requests: the log gets one line at once, then one a minute at most. */
class RefusedKeysTest {
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RefusedKeys.class);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private List<String> messages() {
        return lines.list.stream()
                .map(e -> e.getLevel() + " " + e.getFormattedMessage())
                .toList();
    }

    @Test
    void oneWarningAtOnceThenAtMostOnePerIntervalWithTheCountAndOnlyAPrefixOfTheKey() {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        RefusedKeys refused = new RefusedKeys(Duration.ofMinutes(1), now::get);
        String key = "sk_live_0123456789abcdef";

        refused.refused(key);
        assertThat(messages())
                .singleElement()
                .asString()
                .startsWith("WARN Refused a request with an unknown write key" + " 'sk_l…'")
                .contains("--write-key");

        for (int i = 0; i < 500; i++) {
            now.addAndGet(100_000_000L); // 50 s of one refusal every 100 ms
            refused.refused(key);
        }
        assertThat(messages()).hasSize(1);

        now.addAndGet(10_000_000_000L);
        refused.refused("other-key-42");
        assertThat(messages()).hasSize(2);
        assertThat(messages().get(1))
                .isEqualTo(
                        "WARN Refused 501 requests with an unknown write key in the last 60 s, the latest with 'othe…'");
        assertThat(String.join("\n", messages())).doesNotContain(key).doesNotContain("other-key-42");
    }

    @Test
    void aShortKeyShowsHalfOfItself() {
        assertThat(KeyLabels.prefix("abcdef")).isEqualTo("abc…");
        assertThat(KeyLabels.prefix("k")).isEqualTo("…");
        assertThat(KeyLabels.prefix("a\u00e9\nbcdefgh")).isEqualTo("a??b…");
    }
}
