package io.spool.sdk.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.spool.sdk.Alias;
import io.spool.sdk.Event;
import io.spool.sdk.Group;
import io.spool.sdk.Identify;
import io.spool.sdk.InvalidEventException;
import io.spool.sdk.Page;
import io.spool.sdk.Screen;
import io.spool.sdk.Track;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Serializes one event at a time into a reused buffer, as the JSON object that goes into a batch:
 * {@code {"type":…,"messageId":…,"timestamp":…,…,"context":{…,"library":{…}}}}.
 *
 * <p>Not thread safe: an encoder is used by one caller at a time ({@link EncoderPool}). After a failed
 * encode the generator is rebuilt, since Jackson's state is then unknown.
 */
public final class EventEncoder {
  static final JsonFactory JSON = new JsonFactory();
  /** Deeper than this is most likely a map that contains itself. */
  static final int MAX_DEPTH = 32;

  private static final SerializableString TYPE = new SerializedString("type");
  private static final SerializableString MESSAGE_ID = new SerializedString("messageId");
  private static final SerializableString TIMESTAMP = new SerializedString("timestamp");
  private static final SerializableString USER_ID = new SerializedString("userId");
  private static final SerializableString ANONYMOUS_ID = new SerializedString("anonymousId");
  private static final SerializableString EVENT = new SerializedString("event");
  private static final SerializableString NAME = new SerializedString("name");
  private static final SerializableString PROPERTIES = new SerializedString("properties");
  private static final SerializableString TRAITS = new SerializedString("traits");
  private static final SerializableString GROUP_ID = new SerializedString("groupId");
  private static final SerializableString PREVIOUS_ID = new SerializedString("previousId");
  private static final SerializableString CONTEXT = new SerializedString("context");
  private static final SerializableString LIBRARY = new SerializedString("library");
  private static final SerializableString INTEGRATIONS = new SerializedString("integrations");
  private static final Instant MIN_INSTANT = Instant.ofEpochMilli(IsoTime.MIN);
  private static final Instant MAX_INSTANT = Instant.ofEpochMilli(IsoTime.MAX);
  private static final int NAME_SLOTS = 256;
  private static final int MAX_CACHED_NAME = 64;
  private static final int MAX_CACHED_VALUE = 256;
  /** Value slots of the top-level string fields, after the slots of named fields. */
  private static final int FIXED_SLOTS = 6;
  private static final int USER_ID_SLOT = NAME_SLOTS;
  private static final int ANONYMOUS_ID_SLOT = NAME_SLOTS + 1;
  private static final int EVENT_SLOT = NAME_SLOTS + 2;
  private static final int GROUP_ID_SLOT = NAME_SLOTS + 3;
  private static final int PREVIOUS_ID_SLOT = NAME_SLOTS + 4;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final int maxEventBytes;
  private final SerializedString libraryJson;
  private final BoundedSink sink;
  private final SplittableRandom random;
  private final char[] chars = new char[36];
  /** The last instant formatted: events tracked in the same millisecond share its text. */
  private final char[] timeChars = new char[IsoTime.LENGTH];
  private long formattedMillis = Long.MIN_VALUE;
  /**
   * Field names, JSON-escaped and UTF-8 encoded once: an app's keys are few and repeat in every event.
   * Direct-mapped by the key's (cached) hash; a key takes a slot only when seen twice in a row there,
   * so one-off keys cost no allocation.
   */
  private final String[] nameSeen = new String[NAME_SLOTS];
  private final SerializedString[] nameEncoded = new SerializedString[NAME_SLOTS];
  private final String[] valueSeen = new String[NAME_SLOTS + FIXED_SLOTS];
  private final SerializedString[] valueEncoded = new SerializedString[NAME_SLOTS + FIXED_SLOTS];
  private JsonGenerator generator;

  /**
   * @param seed from a {@code SecureRandom}: message ids must differ across processes, not only
   *     across this one's threads
   */
  public EventEncoder(int maxEventBytes, String libraryVersion, long seed) {
    this.maxEventBytes = maxEventBytes;
    this.libraryJson = new SerializedString(
        "{\"name\":\"" + Version.LIBRARY_NAME + "\",\"version\":\"" + libraryVersion + "\"}");
    this.sink = new BoundedSink(maxEventBytes);
    this.random = new SplittableRandom(seed);
    this.generator = newGenerator();
  }

  private JsonGenerator newGenerator() {
    try {
      JsonGenerator g = JSON.createGenerator(sink);
      g.setRootValueSeparator(null);
      return g;
    } catch (IOException e) {
      throw new IllegalStateException(e); // an in-memory sink does not fail to open
    }
  }

  /** Returns the problem with an event's required fields, or null when it has what its type needs. */
  public static String missingField(Event event) {
    if (event instanceof Alias) {
      if (isBlank(event.userId())) {
        return "alias needs a userId (the id the user is known by now)";
      }
      if (isBlank(((Alias) event).previousId())) {
        return "alias needs a previousId";
      }
      return null;
    }
    if (isBlank(event.userId()) && isBlank(event.anonymousId())) {
      return event.type() + " needs a userId or an anonymousId";
    }
    if (event instanceof Track && isBlank(((Track) event).event())) {
      return "track needs an event name";
    }
    if (event instanceof Group && isBlank(((Group) event).groupId())) {
      return "group needs a groupId";
    }
    return null;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** The encoded event, valid until the next {@link #encode}: {@code array()[0..size())}. */
  public byte[] array() {
    return sink.array();
  }

  public int size() {
    return sink.size();
  }

  /**
   * Serializes {@code event}, stamped {@code nowMillis} unless it has its own timestamp.
   *
   * @throws InvalidEventException missing ids, a value that is not JSON-able, or over the size limit
   */
  public void encode(Event event, long nowMillis) {
    String missing = missingField(event);
    if (missing != null) {
      throw new InvalidEventException(missing);
    }
    sink.reset();
    try {
      write(event, nowMillis);
      generator.flush();
    } catch (BoundedSink.LimitExceeded e) {
      generator = newGenerator();
      throw new InvalidEventException(event.type() + " is larger than the limit of " + maxEventBytes
          + " bytes per event");
    } catch (InvalidEventException e) {
      generator = newGenerator();
      throw e;
    } catch (IOException | RuntimeException e) {
      generator = newGenerator();
      throw new InvalidEventException(event.type() + " could not be serialized: " + e.getMessage(), e);
    }
  }

  private void write(Event event, long nowMillis) throws IOException {
    JsonGenerator g = generator;
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString(event.type());
    g.writeFieldName(MESSAGE_ID);
    if (event.messageId() != null) {
      g.writeString(event.messageId());
    } else {
      randomUuid(chars);
      g.writeString(chars, 0, 36);
    }
    g.writeFieldName(TIMESTAMP);
    writeInstant(event.timestamp(), nowMillis);
    optionalString(USER_ID, event.userId(), USER_ID_SLOT);
    optionalString(ANONYMOUS_ID, event.anonymousId(), ANONYMOUS_ID_SLOT);
    if (event instanceof Track) {
      Track track = (Track) event;
      optionalString(EVENT, track.event(), EVENT_SLOT);
      optionalMap(PROPERTIES, track.properties());
    } else if (event instanceof Identify) {
      optionalMap(TRAITS, ((Identify) event).traits());
    } else if (event instanceof Page) {
      Page page = (Page) event;
      optionalString(NAME, page.name(), EVENT_SLOT);
      optionalMap(PROPERTIES, page.properties());
    } else if (event instanceof Screen) {
      Screen screen = (Screen) event;
      optionalString(NAME, screen.name(), EVENT_SLOT);
      optionalMap(PROPERTIES, screen.properties());
    } else if (event instanceof Group) {
      Group group = (Group) event;
      optionalString(GROUP_ID, group.groupId(), GROUP_ID_SLOT);
      optionalMap(TRAITS, group.traits());
    } else if (event instanceof Alias) {
      optionalString(PREVIOUS_ID, ((Alias) event).previousId(), PREVIOUS_ID_SLOT);
    }
    g.writeFieldName(CONTEXT);
    g.writeStartObject();
    Map<String, ?> context = event.context();
    if (context != null) {
      writeEntries(context, 1, SKIP_LIBRARY);
    }
    g.writeFieldName(LIBRARY);
    g.writeRawValue(libraryJson);
    g.writeEndObject();
    optionalMap(INTEGRATIONS, event.integrations());
    g.writeEndObject();
  }

  private void optionalString(SerializableString name, String value, int slot) throws IOException {
    if (value != null) {
      generator.writeFieldName(name);
      writeRepeatableString(slot, value);
    }
  }

  private void optionalMap(SerializableString name, Map<String, ?> map) throws IOException {
    if (map != null) {
      generator.writeFieldName(name);
      writeMap(map, 1);
    }
  }

  private void writeMap(Map<?, ?> map, int depth) throws IOException {
    generator.writeStartObject();
    writeEntries(map, depth, KEEP_ALL);
    generator.writeEndObject();
  }

  private static final int KEEP_ALL = 0;
  /** The caller's {@code context.library} gives way to the client's own. */
  private static final int SKIP_LIBRARY = 1;

  /** Writes a map's entries through {@code Map.forEach}, which needs no iterator (an allocation per map). */
  private void writeEntries(Map<?, ?> map, int depth, int skip) throws IOException {
    int outerDepth = entries.depth;
    int outerSkip = entries.skip;
    entries.depth = depth;
    entries.skip = skip;
    try {
      map.forEach(entries);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      entries.depth = outerDepth;
      entries.skip = outerSkip;
    }
  }

  private final EntryWriter entries = new EntryWriter();

  /** The one {@code BiConsumer} an encoder hands to {@code Map.forEach}, carrying the nesting depth. */
  private final class EntryWriter implements BiConsumer<Object, Object> {
    int depth;
    int skip;

    @Override
    public void accept(Object key, Object value) {
      if (key == null) {
        throw new InvalidEventException("a map in the event has a null key");
      }
      String name = key.toString();
      if (skip == SKIP_LIBRARY && name.equals("library")) {
        return;
      }
      try {
        writeField(name, value, depth);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void writeField(String key, Object value, int depth) throws IOException {
    int slot = writeFieldName(key);
    if (value instanceof String && slot >= 0) {
      writeRepeatableString(slot, (String) value);
    } else {
      writeValue(key, value, depth);
    }
  }

  /** Writes a field name, from the cache when it was seen before; returns its slot, or -1. */
  private int writeFieldName(String key) throws IOException {
    if (key.length() > MAX_CACHED_NAME) {
      generator.writeFieldName(key);
      return -1;
    }
    int slot = key.hashCode() & (NAME_SLOTS - 1);
    String seen = nameSeen[slot];
    if (seen == key || key.equals(seen)) {
      SerializedString encoded = nameEncoded[slot];
      if (encoded == null) {
        encoded = new SerializedString(key);
        nameEncoded[slot] = encoded;
      }
      generator.writeFieldName(encoded);
    } else {
      nameSeen[slot] = key;
      nameEncoded[slot] = null;
      generator.writeFieldName(key);
    }
    return slot;
  }

  /**
   * Many values repeat from one event to the next under the same name (currency, plan, category, user
   * agent): a value equal to the last one in its field's slot is written from its encoded bytes. As for
   * names, only a value seen twice in a row is encoded and kept, so unique values (ids) allocate nothing.
   */
  private void writeRepeatableString(int slot, String value) throws IOException {
    if (value.length() > MAX_CACHED_VALUE) {
      generator.writeString(value);
      return;
    }
    String seen = valueSeen[slot];
    if (seen == value || value.equals(seen)) {
      SerializedString encoded = valueEncoded[slot];
      if (encoded == null) {
        encoded = new SerializedString(value);
        valueEncoded[slot] = encoded;
      }
      generator.writeString(encoded);
    } else {
      valueSeen[slot] = value;
      valueEncoded[slot] = null;
      generator.writeString(value);
    }
  }

  /** Writes a JSON-able value; {@code key} names it in the error when it is not JSON-able. */
  private void writeValue(String key, Object value, int depth) throws IOException {
    JsonGenerator g = generator;
    if (depth > MAX_DEPTH) {
      throw new InvalidEventException("'" + key + "' is nested more than " + MAX_DEPTH
          + " levels deep (does a map or list contain itself?)");
    }
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String) {
      g.writeString((String) value);
    } else if (value instanceof Boolean) {
      g.writeBoolean((Boolean) value);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte || value instanceof AtomicInteger || value instanceof AtomicLong) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new InvalidEventException("'" + key + "' is " + d + ", which JSON cannot hold");
      }
      writeDouble(d);
    } else if (value instanceof BigDecimal) {
      g.writeNumber((BigDecimal) value);
    } else if (value instanceof BigInteger) {
      g.writeNumber((BigInteger) value);
    } else if (value instanceof Map) {
      writeMap((Map<?, ?>) value, depth + 1);
    } else if (value instanceof List && value instanceof RandomAccess) {
      List<?> list = (List<?>) value;
      g.writeStartArray();
      for (int i = 0, n = list.size(); i < n; i++) {
        writeValue(key, list.get(i), depth + 1);
      }
      g.writeEndArray();
    } else if (value instanceof Iterable) {
      g.writeStartArray();
      for (Object item : (Iterable<?>) value) {
        writeValue(key, item, depth + 1);
      }
      g.writeEndArray();
    } else if (value instanceof Object[]) {
      g.writeStartArray();
      for (Object item : (Object[]) value) {
        writeValue(key, item, depth + 1);
      }
      g.writeEndArray();
    } else if (value instanceof Instant) {
      writeInstant((Instant) value, 0);
    } else if (value instanceof Date) {
      writeInstant(((Date) value).toInstant(), 0);
    } else if (value instanceof OffsetDateTime) {
      writeInstant(((OffsetDateTime) value).toInstant(), 0);
    } else if (value instanceof ZonedDateTime) {
      writeInstant(((ZonedDateTime) value).toInstant(), 0);
    } else if (value instanceof LocalDate || value instanceof LocalDateTime || value instanceof LocalTime
        || value instanceof CharSequence || value instanceof Character || value instanceof UUID) {
      g.writeString(value.toString());
    } else if (value instanceof Enum) {
      g.writeString(((Enum<?>) value).name());
    } else if (value instanceof int[]) {
      int[] a = (int[]) value;
      g.writeArray(a, 0, a.length);
    } else if (value instanceof long[]) {
      long[] a = (long[]) value;
      g.writeArray(a, 0, a.length);
    } else if (value instanceof double[]) {
      g.writeStartArray();
      for (double d : (double[]) value) {
        writeValue(key, d, depth + 1);
      }
      g.writeEndArray();
    } else if (value instanceof boolean[]) {
      g.writeStartArray();
      for (boolean b : (boolean[]) value) {
        g.writeBoolean(b);
      }
      g.writeEndArray();
    } else {
      throw new InvalidEventException("'" + key + "' is a " + value.getClass().getName()
          + ", which is not JSON-able: use strings, numbers, booleans, null, dates, lists, arrays or maps");
    }
  }

  /**
   * Prices and amounts have a few decimals: those are written digit by digit, since
   * {@code Double.toString} costs ~60 ns a value on Java 17. {@code k / 1000.0 == d} proves the text
   * {@code k/1000} reads back as exactly {@code d} (IEEE division rounds the exact quotient, as parsing does).
   */
  private void writeDouble(double d) throws IOException {
    double scaled = d * 1000;
    if (Math.abs(scaled) < 1e15) {
      long thousandths = Math.round(scaled);
      if (thousandths / 1000.0 == d) {
        int n = 0;
        if (thousandths < 0) {
          chars[n++] = '-';
          thousandths = -thousandths;
        }
        long whole = thousandths / 1000;
        int fraction = (int) (thousandths % 1000);
        n = writeDigits(whole, chars, n);
        chars[n++] = '.';
        chars[n++] = (char) ('0' + fraction / 100);
        if (fraction % 100 != 0) {
          chars[n++] = (char) ('0' + fraction / 10 % 10);
          if (fraction % 10 != 0) {
            chars[n++] = (char) ('0' + fraction % 10);
          }
        }
        generator.writeRawValue(chars, 0, n);
        return;
      }
    }
    generator.writeNumber(d);
  }

  private static int writeDigits(long value, char[] out, int at) {
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) {
      digits++;
    }
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + digits;
  }

  /** An instant as ISO-8601 UTC with millisecond precision; {@code instant == null} means {@code millis}. */
  private void writeInstant(Instant instant, long millis) throws IOException {
    if (instant != null) {
      if (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) {
        generator.writeString(instant.toString());
        return;
      }
      millis = instant.toEpochMilli();
    }
    if (millis != formattedMillis) {
      IsoTime.format(millis, timeChars);
      formattedMillis = millis;
    }
    generator.writeString(timeChars, 0, IsoTime.LENGTH);
  }

  /** A version 4 UUID from this encoder's random stream, as 36 chars, without allocating. */
  private void randomUuid(char[] out) {
    long msb = (random.nextLong() & 0xffff_ffff_ffff_0fffL) | 0x0000_0000_0000_4000L;
    long lsb = (random.nextLong() & 0x3fff_ffff_ffff_ffffL) | 0x8000_0000_0000_0000L;
    hex(msb >>> 32, 8, out, 0);
    out[8] = '-';
    hex(msb >>> 16, 4, out, 9);
    out[13] = '-';
    hex(msb, 4, out, 14);
    out[18] = '-';
    hex(lsb >>> 48, 4, out, 19);
    out[23] = '-';
    hex(lsb, 12, out, 24);
  }

  private static void hex(long value, int digits, char[] out, int at) {
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }
}
