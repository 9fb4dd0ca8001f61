package io.spool.writer.internal;

import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One BINARY column of a Parquet file (a flat, unrepeated one), encoded here and handed to parquet-java's
 * page writer a page at a time. The pages are the ones parquet-java's own column writer makes with the
 * same {@link ParquetProperties} ({@link ParquetSettings}'): V1 data pages of up to the page size of plain
 * values or the page row limit; values as indexes into the column chunk's dictionary ({@code PLAIN_DICTIONARY}) until the
 * dictionary passes {@link ParquetSettings#DICTIONARY_PAGE_BYTES} or the first page shows that it does
 * not pay, then {@code PLAIN}; definition levels RLE-encoded; min/max statistics per page where enabled.
 *
 * <p>What it leaves out is parquet-java's cost per value, most of a drain's column writing: a
 * {@link Binary} object per value and another per new dictionary entry in a hash map of them; a min/max
 * comparison per value (here once per distinct value a page, for a dictionary-encoded page: each page
 * still covers every value it holds); the value collector's size-statistics and bloom-filter calls. The
 * dictionary is an open-addressing table of entry numbers over one slab of the entries' bytes.
 *
 * <p>One thread; the caller ends each row ({@link #endRow}) and each row group ({@link #flush}).
 */
final class BinaryColumnWriter {
    private final ColumnDescriptor column;
    private final PrimitiveType type;
    private final PageWriter pages;
    private final ByteBufferAllocator allocator;
    private final boolean optional;
    private final boolean statisticsEnabled;
    private final boolean dictionaryEnabled;
    private final int pageBytes;
    private final int pageRows;
    private final int dictionaryLimit;

    // ---- the page being written
    /** Rows (values and nulls) in the page. */
    private int rows;
    /** Non-null values in the page. */
    private int present;
    /** The page's values as plain encoding would write them (4-byte length + bytes each): what sizes a page. */
    private long rawBytes;

    private final RunLengthBitPackingHybridEncoder definitions;
    /** The page's values as dictionary entries, while {@link #dictionary}. */
    private int[] ids = new int[1024];
    /** The page's values plainly encoded, once the chunk has fallen back to plain. */
    private byte[] plain = new byte[4096];

    private int plainLength;
    private Statistics<?> statistics;
    /** Numbers the pages of a chunk from 1, so {@link #entryPage} tells whether a page has counted an entry yet. */
    private int page = 1;

    // ---- the column chunk's dictionary
    private boolean dictionary;
    private boolean firstPage = true;
    private byte[] entries = new byte[4096];
    private int entriesLength;
    private int[] entryStart = new int[256];
    private int[] entryLength = new int[256];
    private int[] entryHash = new int[256];
    /** The page that last added the entry to its statistics. */
    private int[] entryPage = new int[256];

    private int entryCount;
    /** The dictionary page's plain size: 4 + length per entry, as parquet-java counts it. */
    private long dictionaryBytes;
    /** Entries the written pages refer to: the dictionary page holds these (the rest came after a fallback). */
    private int usedEntries;
    /** Entry number + 1 per slot, 0 for an empty slot; at most half full. */
    private int[] slots = new int[512];

    /** The column's writer with {@code props}' page and dictionary sizes, dictionary and statistics settings. */
    BinaryColumnWriter(ColumnDescriptor column, PageWriter pages, ParquetProperties props) {
        if (column.getMaxRepetitionLevel() != 0
                || column.getMaxDefinitionLevel() > 1
                || column.getPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BINARY) {
            throw new IllegalArgumentException(column + " is not a flat BINARY column");
        }
        this.column = column;
        this.type = column.getPrimitiveType();
        this.pages = pages;
        this.allocator = props.getAllocator();
        this.optional = column.getMaxDefinitionLevel() == 1;
        this.dictionaryEnabled = props.isDictionaryEnabled(column);
        this.statisticsEnabled = props.getStatisticsEnabled(column);
        this.pageBytes = props.getPageSizeThreshold();
        this.pageRows = props.getPageRowCountLimit();
        this.dictionaryLimit = props.getDictionaryPageSizeThreshold();
        this.dictionary = dictionaryEnabled;
        this.definitions = optional ? new RunLengthBitPackingHybridEncoder(1, 64, pageBytes, allocator) : null;
        this.statistics = newStatistics();
    }

    /** The value of this row: {@code length} bytes of {@code array} from {@code offset} (copied). */
    void write(byte[] array, int offset, int length) throws IOException {
        rows++;
        rawBytes += 4 + length;
        if (optional) {
            definitions.writeInt(1);
        }
        if (dictionary) {
            int id = entry(array, offset, length);
            if (present == ids.length) {
                ids = Arrays.copyOf(ids, present * 2);
            }
            ids[present++] = id;
            if (statisticsEnabled && entryPage[id] != page) {
                entryPage[id] = page;
                statistics.updateStats(Binary.fromReusedByteArray(entries, entryStart[id], entryLength[id]));
            }
            if (dictionaryBytes > dictionaryLimit) {
                fallBack();
            }
        } else {
            appendPlain(array, offset, length);
            if (statisticsEnabled) {
                // "reused": the statistics copy what they keep
                statistics.updateStats(Binary.fromReusedByteArray(array, offset, length));
            }
        }
    }

    /** No value in this row (the column is optional). */
    void writeNull() throws IOException {
        if (!optional) {
            throw new IllegalArgumentException(column + " is required: it has no null");
        }
        rows++;
        definitions.writeInt(0);
        statistics.incrementNumNulls();
    }

    /** Ends the page when the row just written filled it. */
    void endRow() throws IOException {
        if (rows >= pageRows || rawBytes >= pageBytes) {
            writePage();
        }
    }

    /** What the column holds in memory: its page so far and the compressed pages the page writer keeps. */
    long bufferedBytes() {
        return rawBytes + pages.getMemSize();
    }

    /** Ends the column chunk (the row group): its last page, then its dictionary; the next chunk starts anew. */
    void flush() throws IOException {
        if (rows > 0) {
            writePage();
        }
        if (usedEntries > 0) {
            byte[] dictionaryPage = new byte[Math.toIntExact(dictionaryBytesOf(usedEntries))];
            int at = 0;
            for (int i = 0; i < usedEntries; i++) {
                at = putPlain(dictionaryPage, at, entries, entryStart[i], entryLength[i]);
            }
            pages.writeDictionaryPage(
                    new DictionaryPage(BytesInput.from(dictionaryPage), usedEntries, Encoding.PLAIN_DICTIONARY));
        }
        clearDictionary();
        dictionary = dictionaryEnabled;
        firstPage = true;
        page = 1; // entries are numbered anew, each with no page yet
    }

    void close() {
        if (definitions != null) {
            definitions.close();
        }
    }

    private void writePage() throws IOException {
        BytesInput values;
        Encoding encoding;
        if (dictionary) {
            values = dictionaryEncoded();
            if (firstPage && values.size() + dictionaryBytes >= rawBytes) {
                fallBack(); // the first page says a dictionary does not pay here (as parquet-java decides)
                values = BytesInput.from(plain, 0, plainLength);
                encoding = Encoding.PLAIN;
            } else {
                usedEntries = entryCount;
                encoding = Encoding.PLAIN_DICTIONARY;
            }
        } else {
            values = BytesInput.from(plain, 0, plainLength);
            encoding = Encoding.PLAIN;
        }
        BytesInput bytes;
        if (optional) {
            BytesInput levels = definitions.toBytes();
            bytes = BytesInput.concat(BytesInput.fromInt(Math.toIntExact(levels.size())), levels, values);
        } else {
            bytes = values;
        }
        pages.writePage(
                bytes,
                rows,
                rows,
                statistics,
                SizeStatistics.noopBuilder(type, 0, column.getMaxDefinitionLevel())
                        .build(),
                geospatialStatistics(),
                Encoding.BIT_PACKED,
                optional ? Encoding.RLE : Encoding.BIT_PACKED,
                encoding);
        // the page writer has compressed (copied) the bytes: the buffers can take the next page
        if (optional) {
            definitions.reset();
        }
        rows = 0;
        present = 0;
        rawBytes = 0;
        plainLength = 0;
        statistics = newStatistics();
        page++;
        firstPage = false;
    }

    private BytesInput dictionaryEncoded() throws IOException {
        int bitWidth = entryCount == 0 ? 0 : BytesUtils.getWidthFromMaxInt(entryCount - 1);
        RunLengthBitPackingHybridEncoder encoder =
                new RunLengthBitPackingHybridEncoder(bitWidth, 64, Math.max(64, present * 4), allocator);
        for (int i = 0; i < present; i++) {
            encoder.writeInt(ids[i]);
        }
        // the page's own copy: the encoder's buffers go back to the allocator
        byte[] encoded = encoder.toBytes().toByteArray();
        encoder.close();
        byte[] page = new byte[1 + encoded.length];
        page[0] = (byte) bitWidth;
        System.arraycopy(encoded, 0, page, 1, encoded.length);
        return BytesInput.from(page);
    }

    /** From here on the chunk is plain: the page's values so far are rewritten so; earlier pages keep the dictionary. */
    private void fallBack() {
        dictionary = false;
        for (int i = 0; i < present; i++) {
            int id = ids[i];
            appendPlain(entries, entryStart[id], entryLength[id]);
        }
        if (usedEntries == 0) {
            clearDictionary(); // no page refers to it
        }
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
            if (entryHash[id] == hash
                    && entryLength[id] == length
                    && Arrays.equals(
                            entries, entryStart[id], entryStart[id] + length, array, offset, offset + length)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
        int id = entryCount++;
        if (id == entryStart.length) {
            int n = id * 2;
            entryStart = Arrays.copyOf(entryStart, n);
            entryLength = Arrays.copyOf(entryLength, n);
            entryHash = Arrays.copyOf(entryHash, n);
            entryPage = Arrays.copyOf(entryPage, n);
        }
        if (entriesLength + length > entries.length) {
            entries = Arrays.copyOf(entries, Math.max(entries.length * 2, entriesLength + length));
        }
        System.arraycopy(array, offset, entries, entriesLength, length);
        entryStart[id] = entriesLength;
        entryLength[id] = length;
        entryHash[id] = hash;
        entryPage[id] = 0;
        entriesLength += length;
        dictionaryBytes += 4L + length;
        slots[slot] = id + 1;
        if (entryCount * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        return id;
    }

    private void rehash(int size) {
        int[] grown = new int[size];
        int mask = size - 1;
        for (int id = 0; id < entryCount; id++) {
            int slot = entryHash[id] & mask;
            while (grown[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            grown[slot] = id + 1;
        }
        slots = grown;
    }

    private void clearDictionary() {
        Arrays.fill(slots, 0);
        entryCount = 0;
        entriesLength = 0;
        dictionaryBytes = 0;
        usedEntries = 0;
    }

    private long dictionaryBytesOf(int count) {
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += 4L + entryLength[i];
        }
        return bytes;
    }

    private void appendPlain(byte[] array, int offset, int length) {
        if (plainLength + 4 + length > plain.length) {
            plain = Arrays.copyOf(plain, Math.max(plain.length * 2, plainLength + 4 + length));
        }
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

    private Statistics<?> newStatistics() {
        return statisticsEnabled ? Statistics.createStats(type) : Statistics.noopStats(type);
    }

    private GeospatialStatistics geospatialStatistics() {
        return (statisticsEnabled ? GeospatialStatistics.newBuilder(type) : GeospatialStatistics.noopBuilder()).build();
    }
}
