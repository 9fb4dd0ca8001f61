package io.spool.writer.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * How our Parquet files become data files of one table: where a file of a day partition goes (the
 * table's own location provider, so {@code write.data.path} is honoured), the Parquet schema with the
 * table's field ids, and the {@link DataFile} entry with the column metrics read from the footer we
 * just wrote (no second read of the file).
 */
final class TableFiles {
    final String name;
    final Table table;
    final PartitionSpec spec;
    final MessageType parquetSchema;
    private final MetricsConfig metricsConfig;
    private final LocationProvider locations;

    TableFiles(String name, Table table, MessageType ours, String partitionColumn) {
        this.name = name;
        this.table = table;
        this.spec = table.spec();
        List<PartitionField> fields = spec.fields();
        if (fields.size() != 1
                || !"day".equals(fields.get(0).transform().toString())
                || !partitionColumn.equals(
                        table.schema().findColumnName(fields.get(0).sourceId()))) {
            throw new IllegalStateException("table " + table.name() + " is partitioned by " + spec
                    + "; Spool writes it partitioned by day(" + partitionColumn + ") only");
        }
        this.parquetSchema = withTableIds(ours, table);
        this.metricsConfig = MetricsConfig.forTable(table);
        this.locations = table.locationProvider();
    }

    private static MessageType withTableIds(MessageType ours, Table table) {
        List<Type> fields = new ArrayList<>();
        for (Type t : ours.getFields()) {
            Types.NestedField field = table.schema().findField(t.getName());
            fields.add(t.withId(field.fieldId()));
        }
        return new MessageType(ours.getName(), fields);
    }

    PartitionData partition(int day) {
        PartitionData p = new PartitionData(spec.partitionType());
        p.set(0, day);
        return p;
    }

    String location(int day, String fileName) {
        return locations.newDataLocation(spec, partition(day), fileName);
    }

    DataFile dataFile(String location, int day, long size, ParquetMetadata footer) {
        Metrics metrics = ParquetUtil.footerMetrics(footer, Stream.empty(), metricsConfig);
        return DataFiles.builder(spec)
                .withPath(location)
                .withFormat(FileFormat.PARQUET)
                .withPartition(partition(day))
                .withFileSizeInBytes(size)
                .withMetrics(metrics)
                .withSplitOffsets(ParquetUtil.getSplitOffsets(footer))
                .build();
    }
}
