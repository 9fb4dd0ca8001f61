package io.spool.writer.internal;

import java.net.URI;
import java.nio.file.Path;

/** What kind of store a location is on, and local locations as paths. */
final class LakeLocations {
    private LakeLocations() {}

    static boolean isLocal(String location) {
        return !location.contains("://") || location.startsWith("file:");
    }

    static boolean isObjectStore(String location) {
        return location.startsWith("s3://")
                || location.startsWith("s3a://")
                || location.startsWith("s3n://")
                || location.startsWith("gs://")
                || location.startsWith("abfs://")
                || location.startsWith("abfss://");
    }

    static boolean isHdfs(String location) {
        return location.startsWith("hdfs://") || location.startsWith("viewfs://");
    }

    static Path localPath(String location) {
        if (location.startsWith("file:")) {
            return Path.of(URI.create(location.startsWith("file://") ? location : "file://" + location.substring(5)));
        }
        return Path.of(location);
    }

    /** A local warehouse as an absolute path without a scheme (what DuckDB, Spark and Trino all read); others as given. */
    static String normalizeWarehouse(String location) {
        String l = location.endsWith("/") && location.length() > 1
                ? location.substring(0, location.length() - 1)
                : location;
        if (isLocal(l)) {
            return localPath(l).toAbsolutePath().normalize().toString();
        }
        return l;
    }
}
