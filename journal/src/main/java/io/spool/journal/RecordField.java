package io.spool.journal;

/**
 * The variable-length fields of a record, in the order they are stored. Each is stored as a 32-bit
 * length (−1 when absent) and that many UTF-8 bytes; the JSON fields hold raw JSON text.
 */
public enum RecordField {
    MESSAGE_ID,
    USER_ID,
    ANONYMOUS_ID,
    EVENT,
    NAME,
    GROUP_ID,
    PREVIOUS_ID,
    WRITE_KEY,
    IP,
    LIBRARY_NAME,
    LIBRARY_VERSION,
    USER_AGENT,
    PROPERTIES,
    TRAITS,
    CONTEXT,
    INTEGRATIONS;

    static final RecordField[] ALL = values();
}
