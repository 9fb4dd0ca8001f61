package io.spool.collector.internal;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing past
 * U+10FFFF). Jackson checks only the strings it decodes, and the collector copies {@code properties}
 * and the other JSON objects into the journal without decoding them, so the whole body is checked
 * once here, with a fast path for the ASCII that most events are.
 */
final class Utf8 {
    private Utf8() {}

    /** Returns the offset of the first malformed byte sequence, or −1 when every byte is valid. */
    static int firstInvalid(byte[] b, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            // ASCII fast path, eight bytes at a time.
            while (i + 8 <= end
                    && ((b[i] | b[i + 1] | b[i + 2] | b[i + 3] | b[i + 4] | b[i + 5] | b[i + 6] | b[i + 7]) & 0x80)
                            == 0) {
                i += 8;
            }
            if (i >= end) {
                break;
            }
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + need >= end) {
                return i; // truncated sequence
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }
}
