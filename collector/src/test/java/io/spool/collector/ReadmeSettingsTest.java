package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's table of the collector's settings is the declaration's ({@link CollectorSettings}).
 * After changing a setting: {@code mvn -pl collector test -Dtest=ReadmeSettingsTest -Dspool.readme.update=true}
 * rewrites the table, then review the diff.
 */
class ReadmeSettingsTest {
    private static final String BEGIN =
            "<!-- settings:collector (generated from CollectorSettings; ReadmeSettingsTest checks it) -->\n";
    private static final String END = "<!-- /settings:collector -->";

    @Test
    void theReadmeListsEverySettingAsDeclared() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END, begin);
        assertThat(begin).as("README.md marks the collector's settings table").isPositive();
        String expected = CollectorSettings.ALL.markdownTable();
        if (Boolean.getBoolean("spool.readme.update")) {
            text = text.substring(0, begin + BEGIN.length()) + expected + text.substring(end);
            Files.writeString(readme, text, StandardCharsets.UTF_8);
            return;
        }
        assertThat(text.substring(begin + BEGIN.length(), end))
                .as("README.md's collector settings; regenerate with -Dspool.readme.update=true")
                .isEqualTo(expected);
    }
}
