package io.spool.journal;

/** The six Segment event types, with the byte each is stored as. The codes never change meaning. */
public enum EventType {
    TRACK(1, "track"),
    IDENTIFY(2, "identify"),
    PAGE(3, "page"),
    SCREEN(4, "screen"),
    GROUP(5, "group"),
    ALIAS(6, "alias");

    private static final EventType[] BY_CODE = new EventType[7];

    static {
        for (EventType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final byte code;
    private final String wireName;

    EventType(int code, String wireName) {
        this.code = (byte) code;
        this.wireName = wireName;
    }

    /** The byte stored in the journal. */
    public byte code() {
        return code;
    }

    /** The name used on the wire ({@code "track"}) and in the Parquet {@code type} column. */
    public String wireName() {
        return wireName;
    }

    /** Returns the type stored as {@code code}, or null when no type has that code. */
    public static EventType fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Returns the type named {@code name} on the wire, or null when it names none. */
    public static EventType fromWireName(String name) {
        if (name == null) {
            return null;
        }
        switch (name) {
            case "track":
                return TRACK;
            case "identify":
                return IDENTIFY;
            case "page":
                return PAGE;
            case "screen":
                return SCREEN;
            case "group":
                return GROUP;
            case "alias":
                return ALIAS;
            default:
                return null;
        }
    }
}
