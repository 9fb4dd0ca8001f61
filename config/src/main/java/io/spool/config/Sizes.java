package io.spool.config;

import java.util.Locale;

/**
 * The one way Spool reads a size in bytes, in every jar: a whole number, optionally with a unit.
 * {@code KB}, {@code MB}, {@code GB}, {@code TB} and {@code KiB}… are powers of 1024 (as a JVM's
 * {@code -Xmx} reads them), {@code B} is bytes. Overflow is an error, never a wrap.
 */
public final class Sizes {
    private Sizes() {}

    /** @throws IllegalArgumentException saying what form was expected */
    public static long parse(String text) {
        String v = text == null ? "" : text.strip();
        int digits = 0;
        while (digits < v.length() && Character.isDigit(v.charAt(digits))) {
            digits++;
        }
        if (digits == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size like 32KB, 256MB, 1GiB or 500000");
        }
        String unit = v.substring(digits).strip().toUpperCase(Locale.ROOT);
        long multiplier;
        switch (unit) {
            case "":
            case "B":
                multiplier = 1;
                break;
            case "K":
            case "KB":
            case "KIB":
                multiplier = 1L << 10;
                break;
            case "M":
            case "MB":
            case "MIB":
                multiplier = 1L << 20;
                break;
            case "G":
            case "GB":
            case "GIB":
                multiplier = 1L << 30;
                break;
            case "T":
            case "TB":
            case "TIB":
                multiplier = 1L << 40;
                break;
            default:
                throw new IllegalArgumentException("'" + text + "' has an unknown unit '"
                        + v.substring(digits).strip() + "'; use B, KB, MB, GB or TB (powers of 1024)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(v.substring(0, digits)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is larger than " + Long.MAX_VALUE + " bytes");
        }
    }

    /** The shortest exact form {@link #parse} reads back: {@code 32KB}, {@code 256MB}, {@code 1000}. */
    public static String format(long bytes) {
        String[] units = {"TB", "GB", "MB", "KB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
