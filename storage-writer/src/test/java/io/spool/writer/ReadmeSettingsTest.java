package io.spool.writer;

import io.spool.testsupport.ReadmeTable;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's table of the writer's settings is the declaration's ({@link WriterSettings}). After changing a
 * setting: {@code mvn -pl storage-writer test -Dtest=ReadmeSettingsTest -Dspool.readme.update=true} rewrites the
 * table, then review the diff.
 */
class ReadmeSettingsTest {
    @Test
    void theReadmeListsEverySettingAsDeclared() throws IOException {
        ReadmeTable.check(
                Path.of("..", "README.md"), "writer", WriterSettings.class, WriterSettings.ALL.markdownTable());
    }
}
