package io.spool.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The log settings every Spool jar shares, and their application to logback, the executable jars'
 * SLF4J binding: one line per event on stderr, as text or as JSON. Call {@link #configure} first
 * thing in {@code main}, before anything logs.
 *
 * <p>Left alone, and {@code configure} returns false, when the binding is not logback (an app that
 * embeds a Spool part keeps its own) or when {@code -Dlogback.configurationFile} names a file: then
 * that file has full control.
 */
public final class Logging {
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    /**
     * Libraries that log their own routine at INFO (Undertow's and XNIO's start-up, Chronicle's file
     * maps, each Iceberg/Hadoop metadata refresh): held at warn unless {@code --log-level} names them.
     */
    private static final Map<String, String> QUIET = Map.of(
            "org.xnio", "warn",
            "org.jboss", "warn",
            "io.undertow", "warn",
            "net.openhft", "warn",
            "org.apache.iceberg", "warn",
            "org.apache.hadoop", "warn",
            "org.apache.parquet", "warn",
            // "Unable to load native-hadoop library": true, and nothing Spool needs
            "org.apache.hadoop.util.NativeCodeLoader", "error");

    public static final Setting<String> LOG_LEVEL = Setting.builder("log-level", Setting.STRING)
            .defaultValue("info")
            .label("LEVEL")
            .check(Logging::levelProblem)
            .doc("`trace`, `debug`, `info`, `warn`, `error` or `off`, for Spool's own lines; `LOGGER=LEVEL` pairs after"
                    + " commas set single loggers (`info,io.spool.collector=debug,org.apache.iceberg=info`): libraries"
                    + " stay at `warn` unless named. See [Logs](#logs)")
            .build();
    public static final Setting<String> LOG_FORMAT = Setting.builder("log-format", Setting.STRING)
            .defaultValue("text")
            .label("FORMAT")
            .check(f -> "text".equals(f) || "json".equals(f) ? null : "must be text or json")
            .doc("`text` (time, level, thread, logger, message on one line) or `json` (one object a line)")
            .build();

    private Logging() {}

    /** Applies {@link #LOG_LEVEL} and {@link #LOG_FORMAT} as resolved; see {@link #configure(String, String)}. */
    public static boolean configure(SettingsDef.Values values) {
        return configure(values.get(LOG_LEVEL), values.get(LOG_FORMAT));
    }

    /**
     * Sends every log line to stderr, formatted as {@code format} ({@code text} or {@code json}), at the
     * levels {@code level} gives ({@code info}, or {@code warn,io.spool=debug}). Callable again: the last
     * call wins.
     *
     * @return whether logging was configured (false: the binding is not logback, or a logback
     *     configuration file was named, and was left as it is)
     * @throws IllegalArgumentException when either value breaks its setting's rule
     */
    public static boolean configure(String level, String format) {
        Map<String, String> levels = levels(LOG_LEVEL.validate(level));
        LOG_FORMAT.validate(format);
        if (System.getProperty("logback.configurationFile") != null) {
            return false;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!isLogback(factory)) {
            return false;
        }
        LogbackSetup.apply(factory, levels, "json".equals(format));
        return true;
    }

    private static boolean isLogback(ILoggerFactory factory) {
        // By name: this class must load where logback is absent; only LogbackSetup touches its types.
        return "ch.qos.logback.classic.LoggerContext".equals(factory.getClass().getName());
    }

    /** Logger name ("" for the root) to level, the quiet libraries first, then what {@code text} says. */
    static Map<String, String> levels(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("", "info");
        out.putAll(QUIET);
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                out.put("", p.toLowerCase(Locale.ROOT));
            } else {
                out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static String levelProblem(String text) {
        if (text.isBlank()) {
            return "give a level: trace, debug, info, warn, error or off";
        }
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String logger = eq < 0 ? null : p.substring(0, eq).strip();
            String lvl = (eq < 0 ? p : p.substring(eq + 1)).strip().toLowerCase(Locale.ROOT);
            if (logger != null && !logger.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
                return "'" + p + "': '" + logger
                        + "' is not a logger name (a package or class, like io.spool.collector)";
            }
            if (!LEVELS.contains(lvl)) {
                return "'" + p + "': '" + lvl + "' is not a level (trace, debug, info, warn, error, off)";
            }
        }
        return null;
    }
}
