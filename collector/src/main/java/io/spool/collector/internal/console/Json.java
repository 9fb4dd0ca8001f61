package io.spool.collector.internal.console;

import io.spool.journal.RecordJson;

/** JSON text helpers for the console's messages. */
final class Json {
    private Json() {}

    static void string(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
        } else {
            RecordJson.string(out, s);
        }
    }

    /** {@code s} escaped for a JSON string, without the quotes. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        RecordJson.string(b, s);
        return b.substring(1, b.length() - 1);
    }
}
