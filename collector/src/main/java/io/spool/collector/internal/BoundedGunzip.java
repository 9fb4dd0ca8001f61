package io.spool.collector.internal;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a gzip body into a reusable buffer, stopping as soon as the output passes a bound (so a
 * gzip bomb costs at most the bound in memory and time). Checks the gzip header, the CRC and the
 * length trailer, and reads concatenated members. One per request workspace: not thread safe.
 */
final class BoundedGunzip {
    /** Thrown when the body is not valid gzip. */
    static final class NotGzipException extends Exception {
        NotGzipException(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown when the inflated body would be larger than the bound. */
    static final class TooLargeException extends Exception {
        TooLargeException(String message) {
            super(message, null, false, false);
        }
    }

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private byte[] out = new byte[64 * 1024];
    private int length;

    /** The inflated bytes, valid from 0 to {@link #length()} until the next call. */
    byte[] array() {
        return out;
    }

    int length() {
        return length;
    }

    /** Inflates {@code in} (a whole gzip body) into {@link #array()}. */
    void inflate(byte[] in, int maxBytes) throws NotGzipException, TooLargeException {
        inflate(in, in.length, maxBytes);
    }

    /** Inflates the first {@code inLength} bytes of {@code in} (a whole gzip body) into {@link #array()}. */
    void inflate(byte[] in, int inLength, int maxBytes) throws NotGzipException, TooLargeException {
        length = 0;
        int pos = 0;
        boolean first = true;
        while (first || pos < inLength) {
            first = false;
            pos = member(in, inLength, pos, maxBytes);
        }
    }

    private int member(byte[] in, int inLength, int pos, int maxBytes) throws NotGzipException, TooLargeException {
        if (inLength - pos < 18 || (in[pos] & 0xFF) != 0x1F || (in[pos + 1] & 0xFF) != 0x8B) {
            throw new NotGzipException("body is not gzip data, but Content-Encoding says gzip");
        }
        if (in[pos + 2] != 8) {
            throw new NotGzipException("gzip compression method " + in[pos + 2] + " is not deflate");
        }
        int flags = in[pos + 3] & 0xFF;
        int p = pos + 10;
        try {
            if ((flags & FEXTRA) != 0) {
                int xlen = (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8;
                p += 2 + xlen;
            }
            if ((flags & FNAME) != 0) {
                while (in[p++] != 0) {
                    // skip the file name
                }
            }
            if ((flags & FCOMMENT) != 0) {
                while (in[p++] != 0) {
                    // skip the comment
                }
            }
            if ((flags & FHCRC) != 0) {
                p += 2;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new NotGzipException("gzip header is truncated");
        }
        if (p > inLength) {
            throw new NotGzipException("gzip header is truncated");
        }
        inflater.reset();
        crc.reset();
        inflater.setInput(in, p, inLength - p);
        int memberStart = length;
        try {
            while (!inflater.finished()) {
                if (length == out.length) {
                    if (length > maxBytes) {
                        throw tooLarge(maxBytes);
                    }
                    int grown = (int) Math.min((long) out.length * 2, (long) maxBytes + 1);
                    if (grown <= out.length) {
                        throw tooLarge(maxBytes);
                    }
                    byte[] bigger = new byte[grown];
                    System.arraycopy(out, 0, bigger, 0, length);
                    out = bigger;
                }
                int n = inflater.inflate(out, length, out.length - length);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new NotGzipException("gzip data is truncated");
                }
                length += n;
                if (length > maxBytes) {
                    throw tooLarge(maxBytes);
                }
            }
        } catch (DataFormatException e) {
            throw new NotGzipException("gzip data is corrupt: " + e.getMessage());
        }
        crc.update(out, memberStart, length - memberStart);
        int trailer = inLength - inflater.getRemaining();
        if (inLength - trailer < 8) {
            throw new NotGzipException("gzip trailer is truncated");
        }
        long expectedCrc = readIntLe(in, trailer) & 0xFFFFFFFFL;
        long expectedSize = readIntLe(in, trailer + 4) & 0xFFFFFFFFL;
        if (expectedCrc != crc.getValue() || expectedSize != ((length - memberStart) & 0xFFFFFFFFL)) {
            throw new NotGzipException("gzip data fails its checksum");
        }
        return trailer + 8;
    }

    private static TooLargeException tooLarge(int maxBytes) {
        return new TooLargeException("inflated body is over the limit of " + maxBytes + " bytes");
    }

    private static int readIntLe(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }
}
