package io.spool.writer.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's view of the lake: the catalog, the {@code events} and {@code rejected} tables (created
 * when missing, their schemas evolved when this version writes columns they lack), and the store data
 * files are written to. Refuses a catalog that is not safe for the store it is on.
 */
public final class Lake implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Lake.class);
    /** The embedded catalog's database, in the warehouse folder. */
    public static final String EMBEDDED_CATALOG_FILE = "catalog.sqlite";

    private final Catalog catalog;
    private final Table events;
    private final Table rejected;
    private final OutputStore store;
    private final String description;
    private final Closeable lock;

    private Lake(Catalog catalog, Table events, Table rejected, OutputStore store, String description, Closeable lock) {
        this.catalog = catalog;
        this.events = events;
        this.rejected = rejected;
        this.store = store;
        this.description = description;
        this.lock = lock;
    }

    public Table events() {
        return events;
    }

    public Table rejected() {
        return rejected;
    }

    OutputStore store() {
        return store;
    }

    public Catalog catalog() {
        return catalog;
    }

    public String describe() {
        return description;
    }

    /** Opens the catalog the settings name and the two tables, creating or evolving them as needed. */
    public static Lake open(LakeSettings settings) {
        return open(settings, UnaryOperator.identity());
    }

    /** As {@link #open(LakeSettings)}, with the data files' store wrapped by {@code store} (tests make it fail). */
    static Lake open(LakeSettings settings, UnaryOperator<OutputStore> store) {
        String warehouse = LakeLocations.normalizeWarehouse(settings.warehouse());
        Map<String, String> props = new HashMap<>(settings.properties());
        props.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
        String type = settings.type() == null ? "jdbc" : settings.type().toLowerCase(Locale.ROOT);
        Closeable lock = null;
        switch (type) {
            case "jdbc" -> {
                String uri = settings.uri();
                if (uri == null) {
                    if (!LakeLocations.isLocal(warehouse)) {
                        throw new IllegalArgumentException(
                                "the embedded catalog keeps its database on local disk, so it"
                                        + " cannot serve the warehouse " + warehouse + ": give a catalog server with"
                                        + " --catalog-uri jdbc:postgresql://HOST/DB (or --catalog-type rest --catalog-uri URL)");
                    }
                    uri = "jdbc:sqlite:" + Path.of(warehouse).resolve(EMBEDDED_CATALOG_FILE);
                    mkdirs(Path.of(warehouse));
                }
                if (LakeLocations.isLocal(warehouse)) {
                    // no Hadoop file system (a chmod process per file) for a local warehouse: LocalFileIO says why
                    props.putIfAbsent(CatalogProperties.FILE_IO_IMPL, LocalFileIO.class.getName());
                }
                props.put(CatalogProperties.URI, uri);
                // the catalog schema version that also holds views (spool.events_unique)
                props.putIfAbsent("jdbc.schema-version", "V1");
                if (uri.startsWith("jdbc:sqlite:")) {
                    // SQLite serializes writers with a file lock: wait for it rather than fail the commit
                    props.putIfAbsent("jdbc.busy_timeout", "60000");
                    // Write-ahead log instead of a rollback journal: a commit appends its pages to the
                    // log and syncs that one file, where the rollback journal syncs the journal, its
                    // header and the database (4 fsyncs a transaction; creating the catalog, both
                    // tables and the view takes 7). synchronous=FULL keeps every commit durable: the
                    // log is synced before a transaction counts as committed, so the catalog's pointer
                    // swap to a new table version survives a power cut (NORMAL would not: its commits
                    // may roll back after one, and the writer may already have let the journal go).
                    // The mode is the database's own: every later connection, other processes' too,
                    // uses the log (they share its index through the -shm file beside it, which is why
                    // WAL needs the database on a local disk, as the embedded catalog already does).
                    props.putIfAbsent("jdbc.journal_mode", "WAL");
                    props.putIfAbsent("jdbc.synchronous", "FULL");
                }
            }
            case "hadoop" -> {
                if (!LakeLocations.isLocal(warehouse) && !LakeLocations.isHdfs(warehouse)) {
                    throw new IllegalArgumentException("the Hadoop catalog is not safe on an object store (" + warehouse
                            + "): it publishes metadata by rename, which is atomic on HDFS only. Use a JDBC catalog"
                            + " (--catalog-type jdbc --catalog-uri jdbc:postgresql://HOST/DB) or a REST catalog");
                }
                if (LakeLocations.isLocal(warehouse)) {
                    lock = lockLocalHadoopWarehouse(Path.of(warehouse));
                }
            }
            case "rest", "hive", "glue", "nessie" -> {
                if (settings.uri() != null) {
                    props.put(CatalogProperties.URI, settings.uri());
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown catalog type \"" + settings.type()
                                + "\": use jdbc (the default; embedded SQLite, or PostgreSQL with --catalog-uri), hadoop (HDFS) or rest");
        }
        if (LakeLocations.isObjectStore(warehouse) && !props.containsKey(CatalogProperties.FILE_IO_IMPL)) {
            props.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
            // the JDK's HTTP client: the writer ships neither Netty nor Apache's client
            props.putIfAbsent("http-client.type", "urlconnection");
        }
        if (props.containsKey("s3.endpoint")) {
            // An S3-compatible server (MinIO, Ceph, S3Proxy, …): many reject the checksums the AWS SDK
            // adds to every request since 2.30 unless asked; send them only where the API requires them.
            // The SDK reads these once, globally; a user's own setting wins.
            setIfAbsent("aws.requestChecksumCalculation", "AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED");
            setIfAbsent("aws.responseChecksumValidation", "AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_REQUIRED");
        }
        props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, type);
        if (!props.containsKey(CatalogProperties.METRICS_REPORTER_IMPL)) {
            props.put(CatalogProperties.METRICS_REPORTER_IMPL, CommitRetries.class.getName());
            props.put(CommitRetries.WRITER_PROPERTY, settings.writerId());
        }
        Catalog catalog = null;
        try {
            catalog = build(settings.name(), props);
            TableIdentifier eventsId = settings.table();
            TableIdentifier rejectedId = TableIdentifier.of(eventsId.namespace(), "rejected");
            createNamespace(catalog, eventsId.namespace());
            Table events = openTable(catalog, eventsId, LakeSchemas.EVENTS, LakeSchemas.EVENTS_SPEC);
            Table rejected = openTable(catalog, rejectedId, LakeSchemas.REJECTED, LakeSchemas.REJECTED_SPEC);
            createUniqueView(catalog, eventsId);
            String description = type + " catalog \"" + settings.name() + "\""
                    + (props.containsKey(CatalogProperties.URI)
                            ? " at " + redact(props.get(CatalogProperties.URI))
                            : "")
                    + ", table " + eventsId + " in " + events.location();
            return new Lake(
                    catalog,
                    events,
                    rejected,
                    store.apply(OutputStore.forWarehouse(warehouse, events.io())),
                    description,
                    lock);
        } catch (RuntimeException e) {
            if (catalog instanceof Closeable c) {
                closeQuietly(c);
            }
            closeQuietly(lock);
            if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
                throw e;
            }
            // wrong S3 keys, a missing bucket, a read-only warehouse, a REST server saying no: one clear line
            throw new IllegalStateException(
                    "cannot open the tables in " + warehouse + " through the " + type + " catalog: " + rootMessage(e),
                    e);
        }
    }

    private static Catalog build(String name, Map<String, String> props) {
        RuntimeException last = null;
        // Writers starting together on a new JDBC catalog race to create its tables; a second try finds them.
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return CatalogUtil.buildIcebergCatalog(name, props, new Configuration());
            } catch (RuntimeException e) {
                last = e;
                if (!"jdbc".equals(props.get(CatalogUtil.ICEBERG_CATALOG_TYPE))) {
                    break;
                }
            }
        }
        throw new IllegalStateException(
                "cannot open the " + props.get(CatalogUtil.ICEBERG_CATALOG_TYPE) + " catalog"
                        + (props.containsKey(CatalogProperties.URI)
                                ? " at " + redact(props.get(CatalogProperties.URI))
                                : "")
                        + ": " + rootMessage(last),
                last);
    }

    private static void createNamespace(Catalog catalog, Namespace namespace) {
        if (catalog instanceof SupportsNamespaces ns && !namespace.isEmpty() && !ns.namespaceExists(namespace)) {
            try {
                ns.createNamespace(namespace);
            } catch (RuntimeException raced) {
                // Another writer created it first. Iceberg says so with AlreadyExistsException, except where
                // the JDBC catalog's own check loses the race and SQLite's primary key refuses the insert
                // (an UncheckedSQLException; seen with two writers starting together): ask again.
                if (!ns.namespaceExists(namespace)) {
                    throw raced;
                }
            }
        }
    }

    private static Table openTable(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
        Table table;
        try {
            table = catalog.loadTable(id);
        } catch (NoSuchTableException e) {
            try {
                table = catalog.buildTable(id, schema)
                        .withPartitionSpec(spec)
                        .withProperties(LakeSchemas.tableProperties())
                        .create();
                LOG.info("storage writer: created table {} at {}", id, table.location());
                return table;
            } catch (RuntimeException raced) {
                // another writer created it first (AlreadyExistsException, or SQLite's primary key): load
                // theirs; if there is none, the create failed for its own reason
                try {
                    table = catalog.loadTable(id);
                } catch (NoSuchTableException none) {
                    raced.addSuppressed(none);
                    throw raced;
                }
            }
        }
        evolve(table, schema);
        return table;
    }

    /**
     * Creates {@code <namespace>.<table>_unique} where the catalog keeps views (JDBC, REST): the events
     * with each {@code message_id} once, the earliest received. A client's retry that reached a second
     * collector is written by that host's writer too (each writer deduplicates only its own journal);
     * readers who need every event exactly once read this view. Standard SQL that Spark and Trino run
     * alike; a catalog without views (Hadoop) gets none, and the README gives the same query.
     */
    private static void createUniqueView(Catalog catalog, TableIdentifier events) {
        if (!(catalog instanceof org.apache.iceberg.catalog.ViewCatalog views)) {
            return;
        }
        TableIdentifier id = TableIdentifier.of(events.namespace(), events.name() + "_unique");
        try {
            if (views.viewExists(id)) {
                return;
            }
            String columns = String.join(
                    ", ",
                    LakeSchemas.EVENTS.columns().stream()
                            .map(f -> "\"" + f.name() + "\"")
                            .toList());
            String sql = "SELECT " + columns + " FROM (SELECT *, row_number() OVER (PARTITION BY message_id ORDER BY"
                    + " received_at, \"timestamp\") AS spool_copy FROM " + events.name() + ") WHERE spool_copy = 1";
            String sparkSql = sql.replace('"', '`');
            views.buildView(id)
                    .withSchema(LakeSchemas.EVENTS)
                    .withDefaultNamespace(events.namespace())
                    .withQuery("spark", sparkSql)
                    .withQuery("trino", sql)
                    .withProperty(
                            "comment",
                            "spool.events with each message_id once (client retries across collectors removed)")
                    .create();
            LOG.info("storage writer: created view {} (each message_id once)", id);
        } catch (AlreadyExistsException raced) {
            // another writer created it first
        } catch (RuntimeException e) {
            // a catalog that lists views but cannot create them (an old JDBC schema): the README has the query
            LOG.warn(
                    "storage writer: could not create the view {} ({}); the README gives its query",
                    id,
                    rootMessage(e));
        }
    }

    /**
     * Adds the columns this version writes that the table lacks (a table created by an older version).
     * Old files are not rewritten: Iceberg reads the new column as null in them. Columns the table has
     * and we do not write (added by a newer version or a user) stay, null in our rows.
     */
    private static void evolve(Table table, Schema ours) {
        Schema theirs = table.schema();
        UpdateSchema update = null;
        for (Types.NestedField field : ours.columns()) {
            Types.NestedField existing = theirs.findField(field.name());
            if (existing == null) {
                if (update == null) {
                    update = table.updateSchema();
                }
                update.addColumn(field.name(), field.type(), field.doc());
            } else if (!existing.type().equals(field.type())) {
                throw new IllegalStateException("table " + table.name() + " has column " + field.name() + " as "
                        + existing.type() + ", but this writer writes " + field.type() + "; it cannot append to it");
            }
        }
        if (update != null) {
            update.commit();
            table.refresh();
            LOG.info("storage writer: evolved the schema of {}: {}", table.name(), table.schema());
        }
    }

    private static Closeable lockLocalHadoopWarehouse(Path warehouse) {
        mkdirs(warehouse);
        try {
            FileChannel channel = FileChannel.open(
                    warehouse.resolve(".spool-hadoop-catalog.lock"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                channel.close();
                throw new IllegalStateException("another writer is using the Hadoop catalog in " + warehouse
                        + ", and the Hadoop catalog is not safe for two writers on a local disk (it publishes metadata by"
                        + " rename without a lock). Leave out --catalog-type for the embedded catalog, which is safe for the writers"
                        + " of one machine, or use a JDBC or REST catalog across machines");
            }
            FileLock held = l;
            return () -> {
                held.release();
                channel.close();
            };
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock the warehouse " + warehouse + ": " + e.getMessage(), e);
        }
    }

    /** Sets an AWS SDK system property unless it, or the environment variable the SDK also reads, is set. */
    private static void setIfAbsent(String property, String environment, String value) {
        if (System.getProperty(property) == null && System.getenv(environment) == null) {
            System.setProperty(property, value);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the warehouse folder " + dir + ": " + e, e);
        }
    }

    private static String redact(String uri) {
        return uri.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** The message of {@code e}, with its root cause when that says more (for one-line logs). */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (catalog instanceof Closeable c) {
                c.close();
            }
        } finally {
            closeQuietly(lock);
        }
    }
}
