package io.spool.sdk.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's name and version, as they go into every event's {@code context.library}. */
public final class Version {
    public static final String LIBRARY_NAME = "spool-java";
    public static final String VERSION = load();

    private Version() {}

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("$")) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through: an unknown version is not worth failing the app for
        }
        return "unknown";
    }
}
