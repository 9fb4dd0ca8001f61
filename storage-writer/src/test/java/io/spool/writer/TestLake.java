package io.spool.writer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

/** Opens a lake's embedded catalog the way another Iceberg client would, to check what the tables reference. */
public final class TestLake {
    private TestLake() {}

    public static Catalog catalog(Path lake) {
        return CatalogUtil.buildIcebergCatalog(
                "lake",
                Map.of(
                        CatalogUtil.ICEBERG_CATALOG_TYPE,
                        "jdbc",
                        CatalogProperties.URI,
                        "jdbc:sqlite:" + lake.toAbsolutePath().resolve("catalog.sqlite"),
                        CatalogProperties.WAREHOUSE_LOCATION,
                        lake.toAbsolutePath().toString()),
                new Configuration());
    }

    /** The embedded catalog, its database created if there is none yet (as the writer would). */
    public static Catalog catalogCreatingItsTables(Path lake) throws IOException {
        java.nio.file.Files.createDirectories(lake);
        return CatalogUtil.buildIcebergCatalog(
                "lake",
                Map.of(
                        CatalogUtil.ICEBERG_CATALOG_TYPE,
                        "jdbc",
                        CatalogProperties.URI,
                        "jdbc:sqlite:" + lake.toAbsolutePath().resolve("catalog.sqlite"),
                        "jdbc.schema-version",
                        "V1",
                        CatalogProperties.WAREHOUSE_LOCATION,
                        lake.toAbsolutePath().toString()),
                new Configuration());
    }

    public static Table table(Path lake, String name) {
        Catalog catalog = catalog(lake);
        try {
            return catalog.loadTable(TableIdentifier.of("spool", name));
        } finally {
            if (catalog instanceof java.io.Closeable c) {
                try {
                    c.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** The data files the table's current snapshot references. */
    public static List<String> currentFiles(Path lake, String name) {
        Table table = table(lake, name);
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(t -> files.add(t.file().location()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
