package io.spool.writer.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page compression over zstd-jni, snappy-java and java.util.zip, without Hadoop: parquet-java's own
 * {@code CodecFactory} loads Hadoop classes even for uncompressed pages (STACK.md). One factory per
 * Parquet file, used by the thread that writes it.
 */
public final class ParquetCodecs implements CompressionCodecFactory {
    /** zstd's own default level, the one DuckDB and parquet-java use too. */
    static final int ZSTD_LEVEL = 3;
    /**
     * An 8 MB window, a page's size ({@link ParquetSettings#PAGE_BYTES}): level 3 alone looks back 2 MB.
     * A smaller page gets a smaller window (zstd fits it to the input); every zstd decoder takes windows
     * up to 128 MB without being asked.
     */
    static final int ZSTD_WINDOW_LOG = 23;

    private ZstdCompressCtx zstd;

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        switch (codec) {
            case UNCOMPRESSED:
                return new Compressor(codec) {
                    @Override
                    public BytesInput compress(BytesInput bytes) {
                        return bytes;
                    }
                };
            case ZSTD:
                return new Compressor(codec) {
                    @Override
                    public BytesInput compress(BytesInput bytes) throws IOException {
                        if (zstd == null) {
                            zstd = new ZstdCompressCtx().setLevel(ZSTD_LEVEL).setWindowLog(ZSTD_WINDOW_LOG);
                        }
                        PageBuffers page = PAGE_BUFFERS.get();
                        page.reset();
                        bytes.writeAllTo(page);
                        byte[] output = page.output((int) Zstd.compressBound(page.size()));
                        int n = zstd.compressByteArray(output, 0, output.length, page.array(), 0, page.size());
                        // Valid until this thread's next page: the page writer copies it first (parquet-java's
                        // own compressors hand out a reused buffer the same way).
                        return BytesInput.from(output, 0, n);
                    }
                };
            case SNAPPY:
                return new Compressor(codec) {
                    @Override
                    public BytesInput compress(BytesInput bytes) throws IOException {
                        return BytesInput.from(Snappy.compress(bytes.toByteArray()));
                    }
                };
            case GZIP:
                return new Compressor(codec) {
                    @Override
                    public BytesInput compress(BytesInput bytes) throws IOException {
                        ByteArrayOutputStream out =
                                new ByteArrayOutputStream((int) Math.min(bytes.size() / 2 + 64, 1 << 20));
                        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
                            bytes.writeAllTo(gzip);
                        }
                        return BytesInput.from(out.toByteArray());
                    }
                };
            default:
                throw new IllegalArgumentException(
                        "compression " + codec + " is not supported (use zstd, snappy, gzip or none)");
        }
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                byte[] in = bytes.toByteArray();
                switch (codec) {
                    case UNCOMPRESSED:
                        return BytesInput.from(in);
                    case ZSTD:
                        return BytesInput.from(Zstd.decompress(in, uncompressedSize));
                    case SNAPPY:
                        return BytesInput.from(Snappy.uncompress(in));
                    case GZIP:
                        try (InputStream gzip = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
                            return BytesInput.from(gzip.readNBytes(uncompressedSize));
                        }
                    default:
                        throw new IOException("compression " + codec + " is not supported");
                }
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                    throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                output.put(decompress(BytesInput.from(in), uncompressedSize).toByteArray());
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public void release() {
        if (zstd != null) {
            zstd.close();
            zstd = null;
        }
    }

    /**
     * A thread's page buffers, kept from page to page and file to file: a page's bytes in one array, and
     * zstd's output. Allocated anew for each page, an 8 MB page cost two 8 MB arrays zeroed by the JVM and
     * faulted in by the kernel (a tenth of a browser drain's CPU): 500k browser events drain in 1.94 s
     * against 2.07 s, small ones in 1.315 against 1.405 s (six alternated pairs). Per thread, not per file:
     * a writer thread writes one page at a time however many files it has open, so what is kept is at
     * most two pages a writer thread, the peak each compression reached before.
     */
    private static final ThreadLocal<PageBuffers> PAGE_BUFFERS = ThreadLocal.withInitial(PageBuffers::new);

    private static final class PageBuffers extends java.io.OutputStream {
        private byte[] bytes = new byte[0];
        private byte[] output = new byte[0];
        private int size;

        void reset() {
            size = 0;
        }

        byte[] array() {
            return bytes;
        }

        int size() {
            return size;
        }

        byte[] output(int atLeast) {
            if (output.length < atLeast) {
                output = new byte[atLeast];
            }
            return output;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
            }
        }
    }

    private abstract static class Compressor implements BytesInputCompressor {
        private final CompressionCodecName codec;

        Compressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codec;
        }

        @Override
        public void release() {}
    }
}
