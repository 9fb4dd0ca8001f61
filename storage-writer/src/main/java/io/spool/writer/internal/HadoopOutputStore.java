package io.spool.writer.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * Output on a Hadoop FileSystem (hdfs://, s3a://, …). Only loaded when such a URI is given, so the
 * writer needs no Hadoop jar otherwise. The FileSystem is configured the usual Hadoop way
 * (core-site.xml on the class path, {@code HADOOP_CONF_DIR}, or fs.* system properties are not read).
 */
final class HadoopOutputStore implements OutputStore {
    private final FileSystem fs;
    private final Path root;
    private final Configuration conf;

    private HadoopOutputStore(FileSystem fs, Path root, Configuration conf) {
        this.fs = fs;
        this.root = root;
        this.conf = conf;
    }

    static OutputStore open(String location) {
        try {
            Configuration conf = new Configuration();
            URI uri = URI.create(location);
            FileSystem fs = FileSystem.get(uri, conf);
            Path root = new Path(uri);
            fs.mkdirs(root);
            return new HadoopOutputStore(fs, root, conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the output " + location, e);
        }
    }

    private Path path(String relative) {
        return new Path(root, relative);
    }

    @Override
    public OutputFile create(String relative) throws IOException {
        return HadoopOutputFile.fromPath(path(relative), conf);
    }

    @Override
    public void sync(String relative) {
        // A closed HDFS/S3 file is as durable as that file system makes it.
    }

    @Override
    public void rename(String from, String to) throws IOException {
        if (!fs.rename(path(from), path(to))) {
            throw new IOException("could not rename " + path(from) + " to " + path(to));
        }
    }

    @Override
    public List<String> listFiles(String dir) throws IOException {
        Path start = path(dir);
        List<String> files = new ArrayList<>();
        if (!fs.exists(start)) {
            return files;
        }
        String prefix = fs.makeQualified(root).toUri().getPath();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(start, true);
        while (it.hasNext()) {
            String p = it.next().getPath().toUri().getPath();
            files.add(p.substring(prefix.length()).replaceFirst("^/", ""));
        }
        return files;
    }

    @Override
    public void delete(String relative) throws IOException {
        fs.delete(path(relative), false);
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
