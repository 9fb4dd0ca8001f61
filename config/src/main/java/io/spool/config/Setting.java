package io.spool.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting of a component, declared once: its name (which gives the flag {@code --name} and the
 * environment variable {@code SPOOL_NAME}), type, default, validation and documentation. The command
 * line, {@code --help}, the environment and the README's table all come from this declaration, and a
 * bad value is reported in the words the user typed ({@code --port 70000: …}).
 *
 * @param <T> the value's type
 */
public final class Setting<T> {
    /** Reads a value from text and writes it back as text. */
    public interface Type<T> {
        T parse(String text);

        default String format(T value) {
            return String.valueOf(value);
        }

        /** The placeholder in {@code --help}: {@code --port=<INT>}. */
        String label();
    }

    public static final Type<Integer> INT = new Type<>() {
        @Override
        public Integer parse(String text) {
            try {
                return Integer.parseInt(text.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number");
            }
        }

        @Override
        public String label() {
            return "N";
        }
    };
    public static final Type<Double> DOUBLE = new Type<>() {
        @Override
        public Double parse(String text) {
            try {
                double d = Double.parseDouble(text.strip());
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a number");
            }
        }

        @Override
        public String format(Double value) {
            return value == Math.rint(value) ? Long.toString(value.longValue()) : value.toString();
        }

        @Override
        public String label() {
            return "NUMBER";
        }
    };
    public static final Type<Boolean> BOOLEAN = new Type<>() {
        @Override
        public Boolean parse(String text) {
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true":
                case "yes":
                case "on":
                case "1":
                    return true;
                case "false":
                case "no":
                case "off":
                case "0":
                    return false;
                default:
                    throw new IllegalArgumentException("'" + text + "' is not true or false");
            }
        }

        @Override
        public String format(Boolean value) {
            return value ? "on" : "off";
        }

        @Override
        public String label() {
            return "BOOL";
        }
    };
    public static final Type<String> STRING = new Type<>() {
        @Override
        public String parse(String text) {
            return text;
        }

        @Override
        public String label() {
            return "TEXT";
        }
    };
    public static final Type<Path> PATH = new Type<>() {
        @Override
        public Path parse(String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("an empty path");
            }
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + text + "' is not a path: " + e.getReason());
            }
        }

        @Override
        public String label() {
            return "PATH";
        }
    };
    public static final Type<URI> URL = new Type<>() {
        @Override
        public URI parse(String text) {
            try {
                URI uri = URI.create(text.strip());
                if (uri.getScheme() == null) {
                    throw new IllegalArgumentException("'" + text + "' is not a URL (no scheme)");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not a URL");
            }
        }

        @Override
        public String label() {
            return "URL";
        }
    };
    public static final Type<Duration> DURATION = new Type<>() {
        @Override
        public Duration parse(String text) {
            return Durations.parse(text);
        }

        @Override
        public String format(Duration value) {
            return Durations.format(value);
        }

        @Override
        public String label() {
            return "DURATION";
        }
    };
    public static final Type<Long> SIZE = new Type<>() {
        @Override
        public Long parse(String text) {
            return Sizes.parse(text);
        }

        @Override
        public String format(Long value) {
            return Sizes.format(value);
        }

        @Override
        public String label() {
            return "SIZE";
        }
    };
    /** A comma-separated list; the flag may also repeat. */
    public static final Type<List<String>> LIST = new Type<>() {
        @Override
        public List<String> parse(String text) {
            List<String> out = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
            return List.copyOf(out);
        }

        @Override
        public String format(List<String> value) {
            return String.join(",", value);
        }

        @Override
        public String label() {
            return "A,B";
        }
    };

    private final String name;
    private final Type<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final Function<T, String> check;
    private final String doc;
    private final String label;
    private final boolean secret;
    private final String env;

    private Setting(Builder<T> b) {
        this.env = b.env;
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.defaultText = b.defaultText;
        this.check = b.check;
        this.doc = b.doc;
        this.label = b.label != null ? b.label : b.type.label();
        this.secret = b.secret;
    }

    public static <T> Builder<T> builder(String name, Type<T> type) {
        return new Builder<>(name, type);
    }

    public String name() {
        return name;
    }

    /** {@code --journal-dir} for {@code journal-dir}. */
    public String flag() {
        return "--" + name;
    }

    /** {@code SPOOL_JOURNAL_DIR} for {@code journal-dir}. */
    public String env() {
        return env != null ? env : "SPOOL_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public Type<T> type() {
        return type;
    }

    /** The default, or null when the setting has none (unset). */
    public T defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    public String label() {
        return label;
    }

    /** Whether the value must not be echoed in errors (passwords, keys). */
    public boolean secret() {
        return secret;
    }

    /** The default as the README and {@code --help} show it. */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        return defaultValue == null ? "none" : type.format(defaultValue);
    }

    /**
     * Parses and validates {@code text}.
     *
     * @throws IllegalArgumentException with the reason, not naming the source (the caller adds it)
     */
    public T parse(String text) {
        T value = type.parse(text);
        validate(value);
        return value;
    }

    /** @throws IllegalArgumentException when {@code value} breaks this setting's rule */
    public T validate(T value) {
        if (check != null && value != null) {
            String problem = check.apply(value);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return flag();
    }

    /** The parts of a declaration. */
    public static final class Builder<T> {
        private final String name;
        private final Type<T> type;
        private T defaultValue;
        private String defaultText;
        private Function<T, String> check;
        private String doc = "";
        private String label;
        private boolean secret;
        private String env;

        private Builder(String name, Type<T> type) {
            if (!name.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("setting name '" + name + "' is not lower-case-with-dashes");
            }
            this.name = name;
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        /** How the default reads where it is computed ({@code one per core}). */
        public Builder<T> defaultText(String text) {
            this.defaultText = text;
            return this;
        }

        /** A rule: returns null when the value is fine, else what is wrong ({@code must be positive}). */
        public Builder<T> check(Function<T, String> check) {
            this.check = check;
            return this;
        }

        public Builder<T> doc(String doc) {
            this.doc = doc;
            return this;
        }

        public Builder<T> label(String label) {
            this.label = label;
            return this;
        }

        /** An environment variable other than {@code SPOOL_<NAME>} (one that users already set). */
        public Builder<T> env(String variable) {
            this.env = variable;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public Setting<T> build() {
            if (defaultValue != null && check != null && check.apply(defaultValue) != null) {
                throw new IllegalArgumentException(
                        "the default of " + name + " breaks its own rule: " + check.apply(defaultValue));
            }
            return new Setting<>(this);
        }
    }

    // Common rules.

    public static Function<Integer, String> between(int min, int max) {
        return v -> v < min || v > max ? "must be between " + min + " and " + max : null;
    }

    public static Function<Integer, String> atLeast(int min) {
        return v -> v < min ? "must be at least " + min : null;
    }

    public static Function<Long, String> sizeBetween(long min, long max) {
        return v -> v < min || v > max ? "must be between " + Sizes.format(min) + " and " + Sizes.format(max) : null;
    }

    public static Function<Duration, String> durationAtLeast(Duration min) {
        return v -> v.compareTo(min) < 0 ? "must be at least " + Durations.format(min) : null;
    }

    public static Function<Double, String> nonNegative() {
        return v -> v < 0 ? "must not be negative" : null;
    }
}
