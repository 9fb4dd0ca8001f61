package io.spool.writer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The writer tests' former launcher, kept only while tests still being written call it: new tests use
 * {@link io.spool.testsupport.ChildJvm} directly, and this goes once none calls it.
 */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(Class<?> main, Path log, List<String> jvmOptions, String... args) throws IOException {
        return io.spool.testsupport.ChildJvm.main(main)
                .jvmArgs(io.spool.testsupport.ChildJvm.QUICK_START)
                .jvmArgs(jvmOptions)
                .log(log)
                .args(args)
                .start()
                .process();
    }

    static long count(Path log, String text) throws IOException {
        return io.spool.testsupport.ChildJvm.count(log, text);
    }
}
