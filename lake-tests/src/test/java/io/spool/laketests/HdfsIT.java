package io.spool.laketests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake on HDFS with Iceberg's Hadoop catalog (safe for many writers there: rename is atomic):
 * two writers commit to {@code hdfs://.../lake}, writer b killed with SIGKILL mid-run and restarted;
 * Spark reads it back through its own Hadoop catalog.
 */
class HdfsIT {
    @TempDir
    static Path hdfsDir;

    static Hdfs hdfs;

    private final Path dir;

    @RegisterExtension
    final Processes processes;

    private Spark spark;

    HdfsIT(@TempDir Path dir) {
        this.dir = dir;
        this.processes = new Processes(dir.resolve("logs"));
    }

    @BeforeAll
    static void startHdfs() throws Exception {
        hdfs = Hdfs.start(hdfsDir);
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @AfterEach
    void closeSpark() {
        if (spark != null) {
            spark.close();
        }
    }

    @Test
    void twoWritersOnHdfsWithTheHadoopCatalogEveryAcknowledgedEventExactlyOnce() throws Exception {
        String warehouse = hdfs.uri("lake");
        spark = Spark.start(Map.of("type", "hadoop", "warehouse", warehouse));

        new TwoWriters(processes, dir, List.of("--catalog-type", "hadoop", "--output", warehouse), Map.of())
                .killingWriterB()
                .run(spark);

        FileStatus[] data = hdfs.fileSystem().listStatus(new org.apache.hadoop.fs.Path("/lake/spool/events/data"));
        assertThat(data)
                .as("day partitions on HDFS under /lake/spool/events/data")
                .isNotEmpty();
        assertThat(hdfs.fileSystem()
                        .exists(new org.apache.hadoop.fs.Path("/lake/spool/events/metadata/version-hint.text")))
                .as("the Hadoop catalog's version hint on HDFS")
                .isTrue();
    }
}
