package io.spool.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's table of the storage writer's settings is the declaration's ({@link WriterSettings}).
 * After changing a setting: {@code mvn -pl storage-writer test -Dtest=ReadmeSettingsTest -Dspool.readme.update=true}
 * rewrites the table, then review the diff.
 */
class ReadmeSettingsTest {
    private static final String BEGIN =
            "<!-- settings:writer (generated from WriterSettings; ReadmeSettingsTest checks it) -->\n";
    private static final String END = "<!-- /settings:writer -->";

    @Test
    void theReadmeListsEverySettingAsDeclared() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END, begin);
        assertThat(begin)
                .as("README.md marks the storage writer's settings table")
                .isPositive();
        String expected = WriterSettings.ALL.markdownTable();
        if (Boolean.getBoolean("spool.readme.update")) {
            text = text.substring(0, begin + BEGIN.length()) + expected + text.substring(end);
            Files.writeString(readme, text, StandardCharsets.UTF_8);
            return;
        }
        assertThat(text.substring(begin + BEGIN.length(), end))
                .as("README.md's storage writer settings; regenerate with -Dspool.readme.update=true")
                .isEqualTo(expected);
    }
}
