package io.spool.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.List;
import java.util.Map;
import org.slf4j.ILoggerFactory;

/** {@link Logging}'s use of logback, apart so that Logging loads where logback is absent. */
final class LogbackSetup {
    /** What slf4j-simple printed before: ISO time with zone, thread, level, logger, message. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} [%thread] %level %logger - %msg%n";

    private LogbackSetup() {}

    /** What the last {@link #apply} set, to leave logback alone when called again with the same. */
    private static Object applied;

    static synchronized void apply(ILoggerFactory factory, Map<String, String> levels, boolean json) {
        LoggerContext context = (LoggerContext) factory;
        Object wanted = List.of(context, Map.copyOf(levels), json);
        if (wanted.equals(applied)
                && context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("stderr") != null) {
            // A main sets the defaults before anything logs, then the settings, which are mostly the same: a
            // pattern encoder built again is ~10 ms of a drain's start.
            return;
        }
        applied = wanted;
        context.reset(); // drops the appenders of a previous call or of logback's own default
        Encoder<ILoggingEvent> encoder = json ? json(context) : text(context);
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(stderr);
        for (Map.Entry<String, String> e : levels.entrySet()) {
            Level level = Level.toLevel(e.getValue(), Level.INFO);
            (e.getKey().isEmpty() ? root : context.getLogger(e.getKey())).setLevel(level);
        }
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }

    /**
     * Logback's JSON: one object a line with {@code timestamp} (epoch ms), {@code level},
     * {@code threadName}, {@code loggerName}, {@code mdc}, {@code formattedMessage} (the message with
     * its arguments filled in) and, for an exception, {@code throwable}. Left out: the logger
     * context, sequence numbers, nanoseconds and the raw template with its arguments, which repeat
     * what the fields above say.
     */
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
