package io.spool.writer.internal;

import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * A flat BINARY column (strings, JSON text), written straight from the bytes it is given
 * ({@link FlatColumnWriter} says how). The dictionary is an open-addressing table of entry numbers over
 * one slab of the entries' bytes ({@link FlatColumnWriter#slots}): no object per value or per entry.
 */
final class BinaryColumnWriter extends FlatColumnWriter {
    private byte[] entries = new byte[4096];
    private int entriesLength;
    private int[] entryStart = new int[256];
    private int[] entryLength = new int[256];

    BinaryColumnWriter(ColumnDescriptor column, PageWriter pages, ParquetProperties props) {
        super(column, pages, props, PrimitiveTypeName.BINARY);
    }

    /** The value of this row: {@code length} bytes of {@code array} from {@code offset} (copied). */
    void write(byte[] array, int offset, int length) throws IOException {
        startValue(4 + length);
        if (dictionary) {
            dictionaryValue(entry(array, offset, length));
        } else {
            appendPlain(array, offset, length);
            if (statisticsEnabled) {
                // "reused": the statistics copy what they keep
                statistics.updateStats(Binary.fromReusedByteArray(array, offset, length));
            }
        }
    }

    @Override
    void updateStatistics(int id) {
        statistics.updateStats(Binary.fromReusedByteArray(entries, entryStart[id], entryLength[id]));
    }

    @Override
    void appendPlainEntry(int id) {
        appendPlain(entries, entryStart[id], entryLength[id]);
    }

    @Override
    BytesInput dictionaryPage(int count) {
        int size = 0;
        for (int i = 0; i < count; i++) {
            size += 4 + entryLength[i];
        }
        byte[] page = new byte[size];
        int at = 0;
        for (int i = 0; i < count; i++) {
            at = putPlain(page, at, entries, entryStart[i], entryLength[i]);
        }
        return BytesInput.from(page);
    }

    @Override
    void clearEntries() {
        entriesLength = 0;
    }

    /** The dictionary entry of these bytes, added if new. */
    private int entry(byte[] array, int offset, int length) {
        int hash = hash(array, offset, length);
        int mask = slots.length - 1;
        int slot = hash & mask;
        while (true) {
            int s = slots[slot];
            if (s == 0) {
                break;
            }
            int id = s - 1;
            if (entryHash(id) == hash
                    && entryLength[id] == length
                    && Arrays.equals(
                            entries, entryStart[id], entryStart[id] + length, array, offset, offset + length)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
        int id = newEntry(hash, slot, 4 + length);
        if (id == entryStart.length) {
            entryStart = Arrays.copyOf(entryStart, id * 2);
            entryLength = Arrays.copyOf(entryLength, id * 2);
        }
        if (entriesLength + length > entries.length) {
            entries = Arrays.copyOf(entries, Math.max(entries.length * 2, entriesLength + length));
        }
        System.arraycopy(array, offset, entries, entriesLength, length);
        entryStart[id] = entriesLength;
        entryLength[id] = length;
        entriesLength += length;
        return id;
    }

    private void appendPlain(byte[] array, int offset, int length) {
        reservePlain(4 + length);
        plainLength = putPlain(plain, plainLength, array, offset, length);
    }

    /** PLAIN encoding of one value: its length (int32, little-endian), then its bytes. */
    private static int putPlain(byte[] to, int at, byte[] array, int offset, int length) {
        to[at] = (byte) length;
        to[at + 1] = (byte) (length >>> 8);
        to[at + 2] = (byte) (length >>> 16);
        to[at + 3] = (byte) (length >>> 24);
        System.arraycopy(array, offset, to, at + 4, length);
        return at + 4 + length;
    }

    /** FNV-1a, then a murmur finaliser so that the table's low bits are well mixed. */
    private static int hash(byte[] array, int offset, int length) {
        int h = 0x811c9dc5;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = (h ^ array[i]) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
