package io.spool.laketests;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A one-datanode HDFS in this JVM (Hadoop's MiniDFSCluster), its files in a local folder, bound to
 * 127.0.0.1. Starts in about 9 s: share one per test class.
 */
public final class Hdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final URI uri;

    private Hdfs(MiniDFSCluster cluster, URI uri) {
        this.cluster = cluster;
        this.uri = uri;
    }

    public static Hdfs start(Path dir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toAbsolutePath().toString());
        // Loopback only: the name node and the data node's every port.
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setInt("dfs.replication", 1);
        conf.setBoolean("dfs.permissions.enabled", false);
        MiniDFSCluster cluster =
                new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        try {
            cluster.waitActive();
        } catch (IOException | RuntimeException e) {
            cluster.shutdown(true);
            throw e;
        }
        return new Hdfs(cluster, URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort()));
    }

    /** {@code hdfs://127.0.0.1:PORT}, no trailing slash. */
    public URI uri() {
        return uri;
    }

    /** {@code hdfs://127.0.0.1:PORT/<path>}. */
    public String uri(String path) {
        return uri + "/" + (path.startsWith("/") ? path.substring(1) : path);
    }

    /** A client of this file system (the caller need not close it: Hadoop caches it). */
    public FileSystem fileSystem() throws IOException {
        return cluster.getFileSystem();
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
