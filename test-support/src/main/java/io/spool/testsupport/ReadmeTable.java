package io.spool.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A README table generated from a declaration, between {@code <!-- settings:NAME (...) -->} and
 * {@code <!-- /settings:NAME -->}: {@link #check} fails when the README's copy differs, and with
 * {@code -Dspool.readme.update=true} rewrites it instead (then review the diff).
 */
public final class ReadmeTable {
    private ReadmeTable() {}

    /**
     * @param readme the README file
     * @param name the table's marker name ({@code collector}, {@code writer})
     * @param source the declaring class, named in the opening marker
     * @param generated the table as the declaration gives it
     */
    public static void check(Path readme, String name, Class<?> source, String generated) throws IOException {
        String begin = "<!-- settings:" + name + " (generated from " + source.getSimpleName() + "; ReadmeSettingsTest"
                + " checks it) -->\n";
        String end = "<!-- /settings:" + name + " -->";
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (from < 0 || to < 0) {
            throw new AssertionError(readme + " has no table marked " + begin.strip() + " … " + end);
        }
        String current = text.substring(from + begin.length(), to);
        if (Boolean.getBoolean("spool.readme.update")) {
            Files.writeString(
                    readme,
                    text.substring(0, from + begin.length()) + generated + text.substring(to),
                    StandardCharsets.UTF_8);
        } else if (!current.equals(generated)) {
            throw new AssertionError(readme + ": the " + name + " settings table differs from " + source.getSimpleName()
                    + "; regenerate it with -Dspool.readme.update=true and review the diff.\nREADME:\n" + current
                    + "\ndeclared:\n" + generated);
        }
    }
}
