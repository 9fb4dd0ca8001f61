package io.spool.writer;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** Page compression of the Parquet files. */
public enum Compression {
    /** The default: the smallest files at about snappy's speed. */
    ZSTD(CompressionCodecName.ZSTD),
    SNAPPY(CompressionCodecName.SNAPPY),
    GZIP(CompressionCodecName.GZIP),
    NONE(CompressionCodecName.UNCOMPRESSED);

    private final CompressionCodecName codec;

    Compression(CompressionCodecName codec) {
        this.codec = codec;
    }

    CompressionCodecName codec() {
        return codec;
    }
}
