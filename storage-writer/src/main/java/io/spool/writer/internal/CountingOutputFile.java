package io.spool.writer.internal;

import java.io.IOException;
import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/** An output file that remembers how many bytes were written to it: the data file's size, without asking the store. */
final class CountingOutputFile implements OutputFile {
    private final OutputFile delegate;
    private PositionOutputStream stream;
    private long length = -1;

    CountingOutputFile(OutputFile delegate) {
        this.delegate = delegate;
    }

    /** The file's size once closed. */
    long length() {
        if (length < 0) {
            throw new IllegalStateException("the file " + delegate.getPath() + " is not closed");
        }
        return length;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return wrap(delegate.create(blockSizeHint));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return wrap(delegate.createOrOverwrite(blockSizeHint));
    }

    private PositionOutputStream wrap(PositionOutputStream out) {
        stream = new DelegatingPositionOutputStream(out) {
            @Override
            public long getPos() throws IOException {
                return out.getPos();
            }

            @Override
            public void close() throws IOException {
                long pos = out.getPos();
                super.close();
                length = pos;
            }
        };
        return stream;
    }

    /**
     * Closes the file's stream whatever state the Parquet writer left it in: after a failed write,
     * parquet-java (1.18.1) aborts the file without closing its stream, which would keep the descriptor
     * and, once the file is deleted, its disk space (on a full disk, the space the writer waits for).
     */
    void release() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException | RuntimeException ignored) {
                // the file is not published and will be deleted
            }
        }
    }

    @Override
    public boolean supportsBlockSize() {
        return delegate.supportsBlockSize();
    }

    @Override
    public long defaultBlockSize() {
        return delegate.defaultBlockSize();
    }

    @Override
    public String getPath() {
        return delegate.getPath();
    }
}
