package io.spool.writer.internal;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * Data files on a Hadoop FileSystem (hdfs://), whose renames are atomic. The FileSystem is configured
 * the usual Hadoop way (core-site.xml and hdfs-site.xml on the class path or under {@code HADOOP_CONF_DIR}).
 */
final class HadoopOutputStore implements OutputStore {
    private final Configuration conf = new Configuration();

    private FileSystem fs(String location) throws IOException {
        return FileSystem.get(URI.create(location), conf);
    }

    @Override
    public OutputFile create(String location) throws IOException {
        return HadoopOutputFile.fromPath(new Path(location), conf);
    }

    @Override
    public boolean renames() {
        return true;
    }

    @Override
    public void publish(String temporary, String location) throws IOException {
        // A closed HDFS file is as durable as HDFS makes it (replicated on close).
        if (!fs(location).rename(new Path(temporary), new Path(location))) {
            throw new IOException("could not rename " + temporary + " to " + location);
        }
    }

    @Override
    public void delete(String location) throws IOException {
        fs(location).delete(new Path(location), false);
    }

    @Override
    public String describe() {
        return "Hadoop FileSystem";
    }
}
