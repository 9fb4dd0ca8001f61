package io.spool.writer.internal;

import io.spool.writer.internal.FaultPlan.Step;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * The catalog's real FileIO (Hadoop's, what the JDBC catalog uses by default) for the tables' metadata,
 * with the writes its {@link FaultPlan} names failing at their first byte: manifests, manifest lists
 * and metadata files. Configured as the catalog's {@code io-impl}, its plan named by the catalog
 * property {@value #PLAN}. Reads are never failed.
 */
public final class FailingFileIO implements FileIO {
    static final String PLAN = "spool.test.fault-plan";

    private HadoopFileIO io;
    private transient FaultPlan plan;

    @Override
    public void initialize(Map<String, String> properties) {
        plan = FaultPlan.byId(properties.get(PLAN));
        io = new HadoopFileIO(new Configuration());
        io.initialize(properties);
    }

    @Override
    public InputFile newInputFile(String path) {
        return io.newInputFile(path);
    }

    @Override
    public InputFile newInputFile(String path, long length) {
        return io.newInputFile(path, length);
    }

    @Override
    public OutputFile newOutputFile(String path) {
        OutputFile file = io.newOutputFile(path);
        Step step = path.endsWith(".metadata.json")
                ? Step.METADATA_WRITE
                : path.contains("/snap-") ? Step.MANIFEST_LIST_WRITE : Step.MANIFEST_WRITE;
        return new OutputFile() {
            @Override
            public PositionOutputStream create() {
                return new Failing(file.create(), step, path);
            }

            @Override
            public PositionOutputStream createOrOverwrite() {
                return new Failing(file.createOrOverwrite(), step, path);
            }

            @Override
            public String location() {
                return file.location();
            }

            @Override
            public InputFile toInputFile() {
                return file.toInputFile();
            }
        };
    }

    private final class Failing extends PositionOutputStream {
        private final PositionOutputStream out;
        private final Step step;
        private final String path;
        private boolean checked;

        Failing(PositionOutputStream out, Step step, String path) {
            this.out = out;
            this.step = step;
            this.path = path;
        }

        private void check() throws IOException {
            if (!checked) {
                checked = true;
                plan.check(step, path);
            }
        }

        @Override
        public long getPos() throws IOException {
            return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
            check();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
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
    }

    @Override
    public void deleteFile(String path) {
        try {
            plan.check(Step.METADATA_DELETE, path);
        } catch (IOException e) {
            throw new RuntimeIOException(e);
        }
        io.deleteFile(path);
    }

    @Override
    public Map<String, String> properties() {
        return io.properties();
    }

    @Override
    public void close() {
        io.close();
    }
}
