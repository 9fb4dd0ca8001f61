package io.spool.writer.internal;

import io.spool.writer.internal.FaultPlan.Step;
import java.io.IOException;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * The writer's real store for data files, with the steps its {@link FaultPlan} names failing as a full
 * or broken disk fails them: creating a file, writing its body (the header written, the rest refused:
 * a truncated file is left behind), closing it, publishing it (fsync and rename), deleting it.
 */
final class FailingOutputStore implements OutputStore {
    private final OutputStore store;
    private final FaultPlan plan;

    FailingOutputStore(OutputStore store, FaultPlan plan) {
        this.store = store;
        this.plan = plan;
    }

    @Override
    public OutputFile create(String location) throws IOException {
        plan.check(Step.DATA_CREATE, location);
        OutputFile file = store.create(location);
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) throws IOException {
                return new Failing(file.create(blockSizeHint), location);
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return new Failing(file.createOrOverwrite(blockSizeHint), location);
            }

            @Override
            public boolean supportsBlockSize() {
                return file.supportsBlockSize();
            }

            @Override
            public long defaultBlockSize() {
                return file.defaultBlockSize();
            }

            @Override
            public String getPath() {
                return file.getPath();
            }
        };
    }

    /** Checks the body's first write (past Parquet's 4-byte header) and the close. */
    private final class Failing extends PositionOutputStream {
        private final PositionOutputStream out;
        private final String location;
        private boolean bodyChecked;
        private boolean closed;

        Failing(PositionOutputStream out, String location) {
            this.out = out;
            this.location = location;
        }

        private void body() throws IOException {
            if (!bodyChecked && out.getPos() >= 4) {
                bodyChecked = true;
                plan.check(Step.DATA_WRITE, location);
            }
        }

        @Override
        public long getPos() throws IOException {
            return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
            body();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            body();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
            if (closed) {
                return;
            }
            closed = true;
            // after the bytes went out: the file is whole on disk, yet the writer is told it failed
            plan.check(Step.DATA_CLOSE, location);
        }
    }

    @Override
    public boolean renames() {
        return store.renames();
    }

    @Override
    public String temporary(String location) {
        return store.temporary(location);
    }

    @Override
    public void publish(String temporary, String location) throws IOException {
        plan.check(Step.DATA_PUBLISH, location);
        store.publish(temporary, location);
    }

    @Override
    public void delete(String location) throws IOException {
        plan.check(Step.DATA_DELETE, location);
        store.delete(location);
    }

    @Override
    public String describe() {
        return store.describe() + " (failing as a test plans)";
    }
}
