package io.spool.writer.internal;

import java.io.IOException;
import java.util.Arrays;
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
 * One flat (unrepeated, unnested) column of a Parquet file, encoded here and handed to parquet-java's
 * page writer a page at a time; {@link BinaryColumnWriter} and {@link LongColumnWriter} hold the values.
 * The pages are the ones parquet-java's own column writer makes with the same {@link ParquetProperties}
 * ({@link ParquetSettings}'): V1 data pages of up to the page size of plain values or the page row
 * limit; values as indexes into the column chunk's dictionary ({@code PLAIN_DICTIONARY}) until the
 * dictionary passes the dictionary page size or the first page shows that it does not pay, then
 * {@code PLAIN}; definition levels RLE-encoded; min/max statistics per page where enabled.
 * {@code EventFileWriterTest} compares the files' footers with parquet-java's.
 *
 * <p>What it leaves out is parquet-java's cost per value, most of a drain's column writing: a
 * {@link Binary} per value and another per new dictionary entry, boxed into a hash map of them; a
 * min/max comparison per value (here once per distinct value a page for a dictionary-encoded page, which
 * still covers every value the page holds); the value collector's size-statistics and bloom-filter
 * calls, and the fallback writer's indirections.
 *
 * <p>One thread; the caller ends each row ({@link #endRow}) and each row group ({@link #flush}).
 */
abstract class FlatColumnWriter {
    final ColumnDescriptor column;
    final PrimitiveType type;
    private final PageWriter pages;
    private final ParquetProperties props;
    private final boolean optional;
    final boolean statisticsEnabled;
    private final boolean dictionaryEnabled;
    private final int pageBytes;
    private final int pageRows;
    private final int dictionaryLimit;

    // ---- the page being written
    /** Rows (values and nulls) in the page. */
    private int rows;
    /** Non-null values in the page. */
    private int present;
    /** The page's values as plain encoding writes them: what sizes a page, and what a dictionary must beat. */
    private long rawBytes;

    private final RunLengthBitPackingHybridEncoder definitions;
    /** The page's values as dictionary entries, while {@link #dictionary}. */
    private int[] ids = new int[1024];
    /** The page's values plainly encoded, once the chunk has fallen back to plain. */
    byte[] plain = new byte[4096];

    int plainLength;
    Statistics<?> statistics;
    /** Numbers the pages of a chunk from 1, so {@link #entryPage} tells whether a page has counted an entry yet. */
    private int page = 1;

    // ---- the column chunk's dictionary (the entries' values are the subclass's)
    /** Whether the chunk is still dictionary-encoded. */
    boolean dictionary;

    private boolean firstPage = true;
    int entryCount;
    /**
     * The dictionary's open-addressing table (linear probing): entry number + 1 per slot, 0 for an empty
     * one; at most half full. A subclass probes it with its own equality and adds at the empty slot it
     * ended on ({@link #newEntry}).
     */
    int[] slots = new int[512];
    /** Each entry's hash, for the probe and to rehash without the values. */
    private int[] entryHash = new int[256];
    /** The page that last added the entry to its statistics. */
    private int[] entryPage = new int[256];
    /** The dictionary page's plain size, as parquet-java counts it. */
    private long dictionaryBytes;
    /** Entries the written pages refer to: the dictionary page holds these (the rest came after a fallback). */
    private int usedEntries;

    FlatColumnWriter(ColumnDescriptor column, PageWriter pages, ParquetProperties props, PrimitiveTypeName kind) {
        if (column.getMaxRepetitionLevel() != 0
                || column.getMaxDefinitionLevel() > 1
                || column.getPrimitiveType().getPrimitiveTypeName() != kind) {
            throw new IllegalArgumentException(column + " is not a flat " + kind + " column");
        }
        this.column = column;
        this.type = column.getPrimitiveType();
        this.pages = pages;
        this.props = props;
        this.optional = column.getMaxDefinitionLevel() == 1;
        this.dictionaryEnabled = props.isDictionaryEnabled(column);
        this.statisticsEnabled = props.getStatisticsEnabled(column);
        this.pageBytes = props.getPageSizeThreshold();
        this.pageRows = props.getPageRowCountLimit();
        this.dictionaryLimit = props.getDictionaryPageSizeThreshold();
        this.dictionary = dictionaryEnabled;
        this.definitions =
                optional ? new RunLengthBitPackingHybridEncoder(1, 64, pageBytes, props.getAllocator()) : null;
        this.statistics = newStatistics();
    }

    /** No value in this row (the column is optional). */
    final void writeNull() throws IOException {
        if (!optional) {
            throw new IllegalArgumentException(column + " is required: it has no null");
        }
        rows++;
        definitions.writeInt(0);
        statistics.incrementNumNulls();
    }

    /** Ends the page when the row just written filled it. */
    final void endRow() throws IOException {
        if (rows >= pageRows || rawBytes >= pageBytes) {
            writePage();
        }
    }

    /** What the column holds in memory: its page so far and the compressed pages the page writer keeps. */
    final long bufferedBytes() {
        return rawBytes + pages.getMemSize();
    }

    /** Ends the column chunk (the row group): its last page, then its dictionary; the next chunk starts anew. */
    final void flush() throws IOException {
        if (rows > 0) {
            writePage();
        }
        if (usedEntries > 0) {
            pages.writeDictionaryPage(
                    new DictionaryPage(dictionaryPage(usedEntries), usedEntries, Encoding.PLAIN_DICTIONARY));
        }
        clearDictionary();
        dictionary = dictionaryEnabled;
        firstPage = true;
        page = 1; // entries are numbered anew, each with no page yet
    }

    final void close() {
        if (definitions != null) {
            definitions.close();
        }
    }

    // ---- for the subclasses

    /** Starts a row with a value whose plain encoding takes {@code plainBytes}. */
    final void startValue(int plainBytes) throws IOException {
        rows++;
        rawBytes += plainBytes;
        if (optional) {
            definitions.writeInt(1);
        }
    }

    /** The row's value is dictionary entry {@code id}. */
    final void dictionaryValue(int id) {
        if (present == ids.length) {
            ids = Arrays.copyOf(ids, present * 2);
        }
        ids[present++] = id;
        if (statisticsEnabled && entryPage[id] != page) {
            entryPage[id] = page;
            updateStatistics(id);
        }
        if (dictionaryBytes > dictionaryLimit) {
            fallBack();
        }
    }

    /** An entry's hash. */
    final int entryHash(int id) {
        return entryHash[id];
    }

    /**
     * Numbers a new dictionary entry with this {@code hash}, whose plain encoding takes {@code plainBytes},
     * in the empty {@code slot} a probe ended on (the table may grow after: probe again for another value).
     */
    final int newEntry(int hash, int slot, int plainBytes) {
        int id = entryCount++;
        if (id == entryPage.length) {
            entryPage = Arrays.copyOf(entryPage, id * 2);
            entryHash = Arrays.copyOf(entryHash, id * 2);
        }
        entryPage[id] = 0;
        entryHash[id] = hash;
        dictionaryBytes += plainBytes;
        slots[slot] = id + 1;
        if (entryCount * 2 > slots.length) {
            int[] grown = new int[slots.length * 2];
            int mask = grown.length - 1;
            for (int e = 0; e < entryCount; e++) {
                int at = entryHash[e] & mask;
                while (grown[at] != 0) {
                    at = (at + 1) & mask;
                }
                grown[at] = e + 1;
            }
            slots = grown;
        }
        return id;
    }

    /**
     * Makes room for {@code bytes} more plain bytes in {@link #plain} at {@link #plainLength}. Doubling stops
     * at the page size: the page ends with the value that passes it, so the buffer is at most a page and a
     * value, what the writer's heap estimate for an open file counts, not twice that.
     */
    final void reservePlain(int bytes) {
        int needed = plainLength + bytes;
        if (needed > plain.length) {
            plain = Arrays.copyOf(plain, Math.max(needed, (int) Math.min((long) plain.length * 2, pageBytes)));
        }
    }

    /** Adds entry {@code id} to the page's statistics. */
    abstract void updateStatistics(int id);

    /** Appends entry {@code id}, plainly encoded, to {@link #plain}. */
    abstract void appendPlainEntry(int id);

    /** The first {@code entries} entries, plainly encoded. */
    abstract BytesInput dictionaryPage(int entries);

    /** Forgets the entries' values. */
    void clearEntries() {}

    // ---- pages

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
                (statisticsEnabled ? GeospatialStatistics.newBuilder(type) : GeospatialStatistics.noopBuilder())
                        .build(),
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
                new RunLengthBitPackingHybridEncoder(bitWidth, 64, Math.max(64, present * 4), props.getAllocator());
        try {
            for (int i = 0; i < present; i++) {
                encoder.writeInt(ids[i]);
            }
            byte[] encoded = encoder.toBytes().toByteArray();
            byte[] page = new byte[1 + encoded.length]; // the page's own copy: the encoder's buffers go back
            page[0] = (byte) bitWidth;
            System.arraycopy(encoded, 0, page, 1, encoded.length);
            return BytesInput.from(page);
        } finally {
            encoder.close();
        }
    }

    /** From here on the chunk is plain: the page's values so far are rewritten so; earlier pages keep the dictionary. */
    private void fallBack() {
        dictionary = false;
        for (int i = 0; i < present; i++) {
            appendPlainEntry(ids[i]);
        }
        if (usedEntries == 0) {
            clearDictionary(); // no page refers to it
        }
    }

    private void clearDictionary() {
        Arrays.fill(slots, 0);
        clearEntries();
        entryCount = 0;
        dictionaryBytes = 0;
        usedEntries = 0;
    }

    private Statistics<?> newStatistics() {
        return statisticsEnabled ? Statistics.createStats(type) : Statistics.noopStats(type);
    }
}
