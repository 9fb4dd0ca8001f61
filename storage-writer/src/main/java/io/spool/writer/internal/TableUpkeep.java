package io.spool.writer.internal;

import java.io.IOException;
import java.util.List;

/** Compaction, snapshot expiry and orphan removal for the writer's tables. (Being written.) */
final class TableUpkeep {
    private final WriterConfig config;
    private final Lake lake;
    private final WriterState state;

    TableUpkeep(WriterConfig config, Lake lake, WriterState state) {
        this.config = config;
        this.lake = lake;
        this.state = state;
    }

    void committed(List<CommitFiles.Written> files) {
    }

    void run() throws IOException {
    }

    void close() {
    }
}
