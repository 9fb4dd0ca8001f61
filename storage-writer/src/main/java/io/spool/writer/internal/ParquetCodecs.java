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
                        return BytesInput.from(zstd.compress(bytes.toByteArray()));
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
