package io.spool.writer.internal;

import java.util.Map;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Which catalog and table the writer commits to. {@code type} null means the embedded default (a JDBC
 * catalog on SQLite in the warehouse folder); {@code uri} null lets the type choose; {@code properties}
 * are Iceberg catalog properties passed as they are.
 */
public record LakeSettings(
        String warehouse,
        String type,
        String uri,
        String name,
        Map<String, String> properties,
        TableIdentifier table,
        String writerId) {
    public LakeSettings {
        properties = Map.copyOf(properties);
    }
}
