package io.spool.journal;

import java.util.Locale;
import net.openhft.posix.PosixAPI;

/**
 * The one place the journal asks for Chronicle's native POSIX binding ({@code fallocate} for
 * {@link SpaceReserver}, {@code madvise} for {@link QueueWriter}): Linux only, and only when the
 * binding really loads. {@link PosixAPI#posix()} hands out a stub that throws on its first call when
 * JNR cannot load (a temp folder mounted {@code noexec}, say), so a cheap call proves it here. Asked
 * once a journal, not once a JVM: cheap, and a test can swap the binding for the no-op one.
 */
final class NativePosix {
    private NativePosix() {}

    /** The binding, or null where there is none (then each caller falls back and says so). */
    static PosixAPI orNull() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null; // the flags and constants the journal passes are Linux's
        }
        try {
            PosixAPI api = PosixAPI.posix();
            api.gettid(); // the stub's first call throws
            return api;
        } catch (Throwable e) {
            return null;
        }
    }
}
