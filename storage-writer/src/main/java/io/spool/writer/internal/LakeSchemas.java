package io.spool.writer.internal;

import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.parquet.ParquetSchemaUtil;

/**
 * The Iceberg side of the two tables: schemas derived from the Parquet schemas our writer writes (one
 * source of truth for names, types and field ids), partition specs and the properties a new table
 * gets.
 *
 * <p>Events are partitioned by {@code day(timestamp)}, the event's own time: a query filtering on
 * {@code timestamp} prunes whole days by partition and, inside a day, files by their min/max (files are
 * written in arrival order, so their timestamp ranges are narrow). A backfill of old events lands in the
 * days the events happened, not in today's partition; by day rather than by hour because a year's
 * import then opens 365 partitions, not 8,760 tiny files, and because a day of a quiet site compacts
 * into one file.
 */
public final class LakeSchemas {
    public static final Schema EVENTS = ParquetSchemaUtil.convert(EventWriteSupport.SCHEMA);
    public static final Schema REJECTED = ParquetSchemaUtil.convert(RejectedWriteSupport.SCHEMA);
    public static final PartitionSpec EVENTS_SPEC =
            PartitionSpec.builderFor(EVENTS).day("timestamp").build();
    public static final PartitionSpec REJECTED_SPEC =
            PartitionSpec.builderFor(REJECTED).day("received_at").build();

    private LakeSchemas() {}

    /** What a table Spool creates is set up with; engines writing to it (Spark, Flink) follow the same. */
    static Map<String, String> tableProperties() {
        return Map.of(
                TableProperties.FORMAT_VERSION, "2",
                TableProperties.PARQUET_COMPRESSION, "zstd",
                // many writers append to one table: let conflicts retry rather than fail the commit
                TableProperties.COMMIT_NUM_RETRIES, "50",
                TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "20",
                TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "2000",
                TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, "600000",
                // a commit a minute per writer must not leave a metadata file per commit forever
                TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
                TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20",
                TableProperties.MANIFEST_MERGE_ENABLED, "true");
    }
}
