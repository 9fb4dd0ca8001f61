package io.spool.writer.internal;

import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * A flat INT64 column (the timestamps), written value by value without boxing ({@link FlatColumnWriter}
 * says how), its dictionary entries in one {@code long[]}.
 */
final class LongColumnWriter extends FlatColumnWriter {
    private long[] entries = new long[256];

    LongColumnWriter(ColumnDescriptor column, PageWriter pages, ParquetProperties props) {
        super(column, pages, props, PrimitiveTypeName.INT64);
    }

    /** The value of this row. */
    void write(long value) throws IOException {
        startValue(8);
        if (dictionary) {
            dictionaryValue(entry(value));
        } else {
            appendPlain(value);
            if (statisticsEnabled) {
                statistics.updateStats(value);
            }
        }
    }

    @Override
    void updateStatistics(int id) {
        statistics.updateStats(entries[id]);
    }

    @Override
    void appendPlainEntry(int id) {
        appendPlain(entries[id]);
    }

    @Override
    BytesInput dictionaryPage(int count) {
        byte[] page = new byte[8 * count];
        for (int i = 0; i < count; i++) {
            putLong(page, 8 * i, entries[i]);
        }
        return BytesInput.from(page);
    }

    private int entry(long value) {
        int hash = hash(value);
        int mask = slots.length - 1;
        int slot = hash & mask;
        while (true) {
            int s = slots[slot];
            if (s == 0) {
                break;
            }
            if (entries[s - 1] == value) {
                return s - 1;
            }
            slot = (slot + 1) & mask;
        }
        int id = newEntry(hash, slot, 8);
        if (id == entries.length) {
            entries = Arrays.copyOf(entries, id * 2);
        }
        entries[id] = value;
        return id;
    }

    private void appendPlain(long value) {
        reservePlain(8);
        putLong(plain, plainLength, value);
        plainLength += 8;
    }

    /** PLAIN encoding of an INT64: little-endian. */
    private static void putLong(byte[] to, int at, long v) {
        for (int i = 0; i < 8; i++) {
            to[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** A murmur finaliser: times a millisecond apart land far apart. */
    private static int hash(long v) {
        v ^= v >>> 33;
        v *= 0xff51afd7ed558ccdL;
        v ^= v >>> 33;
        return (int) v;
    }
}
