package io.spool.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The journal's public API shows no Chronicle type: the collector and the writer (and any user of the
 * journal) depend on Spool's own types only, so that Chronicle stays an implementation detail that can
 * change without touching them. Reflection over every public class of {@code io.spool.journal}.
 */
class PublicApiTest {
    private static final String CHRONICLE = "net.openhft";

    @Test
    void noPublicOrProtectedSignatureOfTheJournalMentionsAChronicleType() throws Exception {
        List<Class<?>> classes = publicClasses();
        assertThat(classes)
                .as("the classes scanned")
                .contains(
                        Journal.class,
                        JournalQueue.class,
                        JournalAppender.class,
                        JournalTailer.class,
                        JournalBacklog.class,
                        BatchEncoder.class,
                        JournalTailer.BatchHandler.class);
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : classes) {
            check(leaks, c.getName() + " extends", c.getGenericSuperclass());
            for (Type t : c.getGenericInterfaces()) {
                check(leaks, c.getName() + " implements", t);
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f)) {
                    check(leaks, name(c, f), f.getGenericType());
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k)) {
                    checkAll(leaks, name(c, k), k.getGenericParameterTypes());
                    checkAll(leaks, name(c, k) + " throws", k.getGenericExceptionTypes());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m) && !m.isSynthetic()) {
                    check(leaks, name(c, m) + " returns", m.getGenericReturnType());
                    checkAll(leaks, name(c, m), m.getGenericParameterTypes());
                    checkAll(leaks, name(c, m) + " throws", m.getGenericExceptionTypes());
                }
            }
        }
        assertThat(leaks).as("public signatures mentioning Chronicle types").isEmpty();
    }

    private static boolean visible(Member m) {
        return Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers());
    }

    private static String name(Class<?> c, Member m) {
        return c.getName() + "." + m.getName();
    }

    private static void checkAll(List<String> leaks, String where, Type[] types) {
        for (Type t : types) {
            check(leaks, where, t);
        }
    }

    private static void check(List<String> leaks, String where, Type type) {
        if (type != null && type.getTypeName().contains(CHRONICLE)) {
            leaks.add(where + ": " + type.getTypeName());
        }
    }

    /** Every public class (nested ones too, when their enclosing classes are public) of the package. */
    private static List<Class<?>> publicClasses() throws Exception {
        Path root = Path.of(Journal.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path folder = root.resolve("io/spool/journal");
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".class")) {
                    continue;
                }
                Class<?> c = Class.forName(
                        "io.spool.journal." + name.substring(0, name.length() - 6),
                        false,
                        PublicApiTest.class.getClassLoader());
                if (reachable(c)) {
                    found.add(c);
                }
            }
        }
        return found;
    }

    private static boolean reachable(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) && !Modifier.isProtected(k.getModifiers())) {
                return false;
            }
        }
        return !c.isAnonymousClass() && !c.isSynthetic();
    }
}
