package io.spool.journal;

/**
 * One accepted event, as the collector appends it and the writer reads it: typed fields, and the JSON
 * objects ({@code properties}, {@code traits}, {@code context}, {@code integrations}) as raw bytes.
 *
 * <p>Mutable and reusable on purpose: the collector fills one per event it parses and the reader
 * decodes into one per record, so the hot paths make no garbage for the record itself. Not thread
 * safe; {@link #clear()} before reuse. Times are epoch milliseconds, UTC; {@link #NO_TIME} means absent.
 */
public final class EventRecord {
    /** Marks an absent time field. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private EventType type;
    private long receivedAt = NO_TIME;
    private long timestamp = NO_TIME;
    private long originalTimestamp = NO_TIME;
    private long sentAt = NO_TIME;
    private String messageId;
    private String userId;
    private String anonymousId;
    private String event;
    private String name;
    private String groupId;
    private String previousId;
    private String writeKey;
    private String ip;
    private String libraryName;
    private String libraryVersion;
    private String userAgent;
    private final RawJson properties = new RawJson();
    private final RawJson traits = new RawJson();
    private final RawJson context = new RawJson();
    private final RawJson integrations = new RawJson();

    /** Resets every field to absent. */
    public EventRecord clear() {
        type = null;
        receivedAt = timestamp = originalTimestamp = sentAt = NO_TIME;
        messageId = userId = anonymousId = event = name = groupId = previousId = null;
        writeKey = ip = libraryName = libraryVersion = userAgent = null;
        properties.clear();
        traits.clear();
        context.clear();
        integrations.clear();
        return this;
    }

    public EventType type() {
        return type;
    }

    public EventRecord type(EventType type) {
        this.type = type;
        return this;
    }

    /** When the collector received the event; always set on records in the journal. */
    public long receivedAt() {
        return receivedAt;
    }

    public EventRecord receivedAt(long millis) {
        this.receivedAt = millis;
        return this;
    }

    /** The event time after clock-skew correction; always set on records in the journal. */
    public long timestamp() {
        return timestamp;
    }

    public EventRecord timestamp(long millis) {
        this.timestamp = millis;
        return this;
    }

    public long originalTimestamp() {
        return originalTimestamp;
    }

    public EventRecord originalTimestamp(long millis) {
        this.originalTimestamp = millis;
        return this;
    }

    public long sentAt() {
        return sentAt;
    }

    public EventRecord sentAt(long millis) {
        this.sentAt = millis;
        return this;
    }

    public String messageId() {
        return messageId;
    }

    public EventRecord messageId(String v) {
        this.messageId = v;
        return this;
    }

    public String userId() {
        return userId;
    }

    public EventRecord userId(String v) {
        this.userId = v;
        return this;
    }

    public String anonymousId() {
        return anonymousId;
    }

    public EventRecord anonymousId(String v) {
        this.anonymousId = v;
        return this;
    }

    /** The track event's name ({@code "Order Completed"}). */
    public String event() {
        return event;
    }

    public EventRecord event(String v) {
        this.event = v;
        return this;
    }

    /** The page or screen name. */
    public String name() {
        return name;
    }

    public EventRecord name(String v) {
        this.name = v;
        return this;
    }

    public String groupId() {
        return groupId;
    }

    public EventRecord groupId(String v) {
        this.groupId = v;
        return this;
    }

    public String previousId() {
        return previousId;
    }

    public EventRecord previousId(String v) {
        this.previousId = v;
        return this;
    }

    /** The write key the event was authenticated with (null when the collector runs open). */
    public String writeKey() {
        return writeKey;
    }

    public EventRecord writeKey(String v) {
        this.writeKey = v;
        return this;
    }

    /** The client's IP address as the collector saw it. */
    public String ip() {
        return ip;
    }

    public EventRecord ip(String v) {
        this.ip = v;
        return this;
    }

    /** {@code context.library.name}, promoted to a column. */
    public String libraryName() {
        return libraryName;
    }

    public EventRecord libraryName(String v) {
        this.libraryName = v;
        return this;
    }

    /** {@code context.library.version}, promoted to a column. */
    public String libraryVersion() {
        return libraryVersion;
    }

    public EventRecord libraryVersion(String v) {
        this.libraryVersion = v;
        return this;
    }

    /** {@code context.userAgent}, promoted to a column. */
    public String userAgent() {
        return userAgent;
    }

    public EventRecord userAgent(String v) {
        this.userAgent = v;
        return this;
    }

    /** The raw {@code properties} object; set it in place. */
    public RawJson properties() {
        return properties;
    }

    /** The raw {@code traits} object; set it in place. */
    public RawJson traits() {
        return traits;
    }

    /** The raw {@code context} object (batch context already merged under the event's); set it in place. */
    public RawJson context() {
        return context;
    }

    /** The raw {@code integrations} object; set it in place. */
    public RawJson integrations() {
        return integrations;
    }

    @Override
    public String toString() {
        return "EventRecord{" + (type == null ? null : type.wireName()) + ", messageId=" + messageId
                + ", userId=" + userId + ", anonymousId=" + anonymousId + ", event=" + event + ", name=" + name
                + ", receivedAt=" + receivedAt + ", timestamp=" + timestamp + "}";
    }
}
