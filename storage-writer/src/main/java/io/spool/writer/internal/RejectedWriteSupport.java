package io.spool.writer.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The schema of the rejected table. {@code payload} is binary, not JSON: a dead letter's payload is the
 * JSON the client sent, but a record this writer cannot decode is kept byte for byte.
 */
public final class RejectedWriteSupport extends WriteSupport<RejectedRow> {
    public static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
            .id(1)
            .named("received_at")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .id(2)
            .named("write_key")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .id(3)
            .named("ip")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .id(4)
            .named("error")
            .required(PrimitiveTypeName.INT32)
            .id(5)
            .named("batch_index")
            .optional(PrimitiveTypeName.BINARY)
            .id(6)
            .named("payload")
            .named("spool_rejected");

    private RecordConsumer out;
    private final MessageType schema;

    /** Writes {@link #SCHEMA}'s columns with the field ids of {@code schema} (the table's). */
    public RejectedWriteSupport(MessageType schema) {
        this.schema = schema;
    }

    public RejectedWriteSupport() {
        this(SCHEMA);
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(RejectedRow row) {
        out.startMessage();
        out.startField("received_at", 0);
        out.addLong(row.receivedAt * 1000); // microseconds, as Iceberg stores timestamptz
        out.endField("received_at", 0);
        text("write_key", 1, row.writeKey);
        text("ip", 2, row.ip);
        text("error", 3, row.error == null ? "unknown" : row.error);
        out.startField("batch_index", 4);
        out.addInteger(row.batchIndex);
        out.endField("batch_index", 4);
        if (row.payloadLength >= 0) {
            out.startField("payload", 5);
            out.addBinary(Binary.fromConstantByteArray(row.payload, row.payloadOffset, row.payloadLength)
                    .copy());
            out.endField("payload", 5);
        }
        out.endMessage();
    }

    private void text(String name, int index, String value) {
        if (value == null) {
            return;
        }
        out.startField(name, index);
        out.addBinary(Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8)));
        out.endField(name, index);
    }
}
