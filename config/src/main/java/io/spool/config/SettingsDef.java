package io.spool.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A component's settings, each declared once ({@link Setting}); from them come the command line's
 * options and {@code --help}, the reading of environment variables, and the README's table
 * ({@link #markdownTable()}, checked against the README by a test). A flag wins over its variable,
 * which wins over the default.
 */
public final class SettingsDef {
    private final Map<String, Setting<?>> settings;

    private SettingsDef(List<Setting<?>> settings) {
        Map<String, Setting<?>> byName = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            if (byName.put(s.name(), s) != null) {
                throw new IllegalArgumentException("setting " + s.name() + " is declared twice");
            }
        }
        this.settings = byName;
    }

    public static SettingsDef of(Setting<?>... settings) {
        return new SettingsDef(List.of(settings));
    }

    public List<Setting<?>> settings() {
        return List.copyOf(settings.values());
    }

    /**
     * Adds one option per setting to {@code spec}. The options take text; {@link #resolve} converts and
     * validates it, so that an error can name where the value came from. Booleans may be given bare
     * ({@code --fsync}) or with a value ({@code --fsync=false}); lists may repeat.
     */
    public CommandSpec addOptionsTo(CommandSpec spec) {
        // In the order declared: related settings stay together in --help, as in the README.
        spec.usageMessage().sortOptions(false);
        for (Setting<?> s : settings.values()) {
            boolean bool = s.type() == Setting.BOOLEAN;
            boolean list = s.type() == Setting.LIST;
            OptionSpec.Builder option = OptionSpec.builder(s.flag())
                    .paramLabel("<" + s.label() + ">")
                    .description(help(s))
                    .type(list ? List.class : String.class);
            if (list) {
                option.auxiliaryTypes(String.class).arity("1");
            } else if (bool) {
                option.arity("0..1").fallbackValue("true");
            } else {
                option.arity("1");
            }
            spec.addOption(option.build());
        }
        return spec;
    }

    private static String help(Setting<?> s) {
        // The doc is the README's text: its Markdown (code spans, links) reads as plain words in a terminal.
        String doc = s.doc()
                .replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replace("`", "")
                .replace("%", "%%");
        return doc + (doc.endsWith(".") ? "" : ".") + " Env " + s.env() + ". Default: "
                + s.defaultText().replace("%", "%%") + ".";
    }

    /**
     * The value of every setting from the parsed command line, the environment, and the defaults.
     *
     * @throws SettingException for the first bad value, naming the flag or variable it came from
     */
    public Values resolve(ParseResult parsed, Map<String, String> env) {
        Map<String, Object> values = new HashMap<>();
        Map<String, String> sources = new HashMap<>();
        for (Setting<?> s : settings.values()) {
            OptionSpec option = parsed == null ? null : parsed.matchedOption(s.flag());
            if (option != null) {
                List<String> given = option.stringValues();
                String text = s.type() == Setting.LIST
                        ? String.join(",", given)
                        : given.isEmpty() ? "true" : given.get(given.size() - 1);
                values.put(s.name(), parse(s, text, s.flag() + " " + shown(s, text)));
                sources.put(s.name(), s.flag());
            } else if (env.containsKey(s.env()) && !env.get(s.env()).isEmpty()) {
                String text = env.get(s.env());
                values.put(s.name(), parse(s, text, s.env() + "=" + shown(s, text)));
                sources.put(s.name(), s.env());
            } else {
                values.put(s.name(), s.defaultValue());
            }
        }
        return new Values(this, values, sources);
    }

    private static String shown(Setting<?> s, String text) {
        return s.secret() ? "(hidden)" : text;
    }

    private static Object parse(Setting<?> s, String text, String where) {
        try {
            return s.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SettingException(s, where + ": " + e.getMessage());
        }
    }

    /** The settings as README rows: flag, variable, default, meaning. */
    public String markdownTable() {
        StringBuilder b = new StringBuilder("| option | environment | default | what it does |\n|---|---|---|---|\n");
        for (Setting<?> s : settings.values()) {
            b.append("| `")
                    .append(s.flag())
                    .append("` | `")
                    .append(s.env())
                    .append("` | ")
                    .append(s.defaultText().equals("none") ? "none" : "`" + s.defaultText() + "`")
                    .append(" | ")
                    .append(s.doc().replace("|", "\\|"))
                    .append(" |\n");
        }
        return b.toString();
    }

    /** Settings of one run, resolved. */
    public static final class Values {
        private final SettingsDef def;
        private final Map<String, Object> values;
        private final Map<String, String> sources;

        private Values(SettingsDef def, Map<String, Object> values, Map<String, String> sources) {
            this.def = def;
            this.values = values;
            this.sources = sources;
        }

        @SuppressWarnings("unchecked")
        public <T> T get(Setting<T> setting) {
            if (def.settings.get(setting.name()) != setting) {
                throw new IllegalArgumentException(setting.name() + " is not one of these settings");
            }
            return (T) values.get(setting.name());
        }

        /** Whether the user gave it (flag or variable), rather than leaving the default. */
        public boolean isSet(Setting<?> setting) {
            return sources.containsKey(setting.name());
        }

        /** How the user named it ({@code --port} or {@code SPOOL_PORT}), or the flag when defaulted. */
        public String source(Setting<?> setting) {
            return sources.getOrDefault(setting.name(), setting.flag());
        }

        /** A problem the value of {@code setting} causes, said as its source names it. */
        public SettingException problem(Setting<?> setting, String message) {
            return new SettingException(setting, source(setting) + ": " + message);
        }

        /** All values, for a start-up line (secrets hidden). */
        public List<String> describe() {
            List<String> out = new ArrayList<>();
            for (Setting<?> s : def.settings.values()) {
                Object v = values.get(s.name());
                out.add(s.name() + "=" + (s.secret() && v != null ? "(hidden)" : v));
            }
            return out;
        }
    }

    /** Prints a command-line error as one line (no usage dump) and returns exit status 2. */
    public static CommandLine.IParameterExceptionHandler oneLineErrors(String command) {
        return (e, args) -> {
            e.getCommandLine().getErr().println(command + ": " + e.getMessage() + " (see --help)");
            return 2;
        };
    }
}
