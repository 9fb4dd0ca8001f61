package io.spool.collector;

import io.spool.testsupport.ReadmeTable;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's table of the collector's settings is the declaration's ({@link CollectorSettings}). After changing a
 * setting: {@code mvn -pl collector test -Dtest=ReadmeSettingsTest -Dspool.readme.update=true} rewrites the
 * table, then review the diff.
 */
class ReadmeSettingsTest {
    @Test
    void theReadmeListsEverySettingAsDeclared() throws IOException {
        ReadmeTable.check(
                Path.of("..", "README.md"),
                "collector",
                CollectorSettings.class,
                CollectorSettings.ALL.markdownTable());
    }
}
