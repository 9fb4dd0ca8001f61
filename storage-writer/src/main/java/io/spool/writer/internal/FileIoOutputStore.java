package io.spool.writer.internal;

import java.io.IOException;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Data files in an object store through the table's Iceberg {@link FileIO} (S3FileIO for s3://). An
 * object appears only when its upload completes, so files are written under their final names; a
 * writer killed mid-upload leaves an incomplete multipart upload, which the bucket's lifecycle rule
 * (AbortIncompleteMultipartUpload) reclaims, never a visible partial file.
 */
final class FileIoOutputStore implements OutputStore {
    private final FileIO io;

    FileIoOutputStore(FileIO io) {
        this.io = io;
    }

    @Override
    public OutputFile create(String location) {
        org.apache.iceberg.io.OutputFile file = io.newOutputFile(location);
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) {
                return wrap(file.createOrOverwrite());
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) {
                return wrap(file.createOrOverwrite());
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }

            @Override
            public String getPath() {
                return location;
            }
        };
    }

    private static PositionOutputStream wrap(org.apache.iceberg.io.PositionOutputStream out) {
        return new PositionOutputStream() {
            @Override
            public long getPos() throws IOException {
                return out.getPos();
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    @Override
    public boolean renames() {
        return false;
    }

    @Override
    public void publish(String temporary, String location) {
        // written under its final name; the upload completed when the file was closed
    }

    @Override
    public void delete(String location) {
        io.deleteFile(location);
    }

    @Override
    public String describe() {
        return "object store (" + io.getClass().getSimpleName() + ")";
    }
}
