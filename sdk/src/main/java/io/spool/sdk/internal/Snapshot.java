package io.spool.sdk.internal;

import io.spool.sdk.Alias;
import io.spool.sdk.Event;
import io.spool.sdk.Group;
import io.spool.sdk.Identify;
import io.spool.sdk.InvalidEventException;
import io.spool.sdk.Page;
import io.spool.sdk.Screen;
import io.spool.sdk.Track;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * What {@code track()} keeps of an event at the call, for a sender to encode later: the event's own
 * fields (Strings, immutable) and a copy of its maps that nothing the app does afterwards can change.
 * Strings, boxed numbers, booleans and the {@code java.time} values are immutable and kept by reference;
 * maps become {@link FlatMap}s, lists and arrays {@code Object[]} (primitive arrays are cloned); mutable
 * values are converted as the encoder would write them ({@code Date} to its {@code Instant}, a
 * {@code CharSequence} to its String, atomics to their number).
 *
 * <p>Everything the encoder could refuse except the size is checked here, with the encoder's words: a
 * value that is not JSON-able, NaN or an infinity, a map nested too deep. The size is known only once
 * encoded: {@link #minBytes} is a lower bound of it (every char is at least one UTF-8 byte), so an event
 * certainly over the limit is refused at the call too; one that only the encoding pushes over (escapes,
 * non-ASCII text) is refused by the sender.
 *
 * <p>Taking a snapshot is a walk over the maps with one small array per map or list: measured ~2.5× cheaper
 * than encoding the event (see BENCHMARKS.md, SDK).
 */
public final class Snapshot {
    /** A lower bound of the envelope: type, messageId and timestamp names, quotes, the context's library. */
    private static final int ENVELOPE = 100;

    final Event event;
    final long millis;
    /** The properties (track, page, screen) or traits (identify, group), or null. */
    final FlatMap body;

    final FlatMap context;
    final FlatMap integrations;
    /**
     * At most the bytes the event takes encoded (each part counted at its least: a char as one byte, a
     * number as one digit): for plain ASCII text within ~15 % of it.
     */
    final int minBytes;

    /** Set by the buffer when it takes the snapshot in: starts the linger clock. */
    long enqueuedNanos;

    private Snapshot(Event event, long millis, FlatMap body, FlatMap context, FlatMap integrations, int minBytes) {
        this.event = event;
        this.millis = millis;
        this.body = body;
        this.context = context;
        this.integrations = integrations;
        this.minBytes = minBytes;
    }

    /** A map's entries in order, keys (as Strings) at even indexes and their values after them. */
    static final class FlatMap {
        final Object[] entries;

        FlatMap(Object[] entries) {
            this.entries = entries;
        }
    }

    /**
     * Takes the snapshot of {@code event}, stamped {@code nowMillis} unless it has its own timestamp.
     * Required fields are checked by the client before.
     *
     * @throws InvalidEventException a value that is not JSON-able, or an event certainly over
     *     {@code maxEventBytes}
     */
    public static Snapshot of(Event event, long nowMillis, int maxEventBytes) {
        Copier copier = new Copier();
        int bytes = ENVELOPE + event.type().length();
        bytes += event.messageId() == null ? 0 : event.messageId().length() + 2; // its name is in ENVELOPE
        bytes += length(event.userId()) + length(event.anonymousId());
        Map<String, ?> bodyMap = null;
        if (event instanceof Track) {
            bytes += length(((Track) event).event());
            bodyMap = ((Track) event).properties();
        } else if (event instanceof Identify) {
            bodyMap = ((Identify) event).traits();
        } else if (event instanceof Page) {
            bytes += length(((Page) event).name());
            bodyMap = ((Page) event).properties();
        } else if (event instanceof Screen) {
            bytes += length(((Screen) event).name());
            bodyMap = ((Screen) event).properties();
        } else if (event instanceof Group) {
            bytes += length(((Group) event).groupId());
            bodyMap = ((Group) event).traits();
        } else if (event instanceof Alias) {
            bytes += length(((Alias) event).previousId());
        }
        FlatMap body = copier.top(bodyMap);
        copier.skipLibrary = true; // the client writes its own context.library
        FlatMap context = copier.top(event.context());
        copier.skipLibrary = false;
        FlatMap integrations = copier.top(event.integrations());
        bytes += copier.bytes;
        if (bytes > maxEventBytes) {
            throw new InvalidEventException(
                    event.type() + " is larger than the limit of " + maxEventBytes + " bytes per event");
        }
        return new Snapshot(event, nowMillis, body, context, integrations, bytes);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length() + 10; // quotes, and at least ,"name": (8)
    }

    /** Copies one event's maps; {@code bytes} adds up the lower bound of their encoded size. */
    private static final class Copier implements BiConsumer<Object, Object> {
        int bytes;
        /** Copying the top of {@code context}: a {@code library} entry there gives way to the client's. */
        boolean skipLibrary;

        private Object[] out;
        private int at;
        private int depth;

        FlatMap top(Map<?, ?> map) {
            return map == null ? null : copy(map, 1);
        }

        private FlatMap copy(Map<?, ?> map, int mapDepth) {
            Object[] outerOut = out;
            int outerAt = at;
            int outerDepth = depth;
            int size = map.size();
            out = new Object[2 * size];
            at = 0;
            depth = mapDepth;
            try {
                map.forEach(this); // no iterator to allocate
                Object[] entries = out;
                if (at != entries.length) {
                    entries = Arrays.copyOf(entries, at); // a map whose size() was stale
                }
                return new FlatMap(entries);
            } catch (InvalidEventException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InvalidEventException("a map in the event could not be read: " + e, e);
            } finally {
                out = outerOut;
                at = outerAt;
                depth = outerDepth;
            }
        }

        @Override
        public void accept(Object key, Object value) {
            if (key == null) {
                throw new InvalidEventException("a map in the event has a null key");
            }
            String name = key.toString();
            if (skipLibrary && depth == 1 && name.equals("library")) {
                return;
            }
            boolean outerSkip = skipLibrary;
            skipLibrary = false;
            bytes += name.length() + 4; // quotes, colon, comma
            Object copied = value(name, value, depth);
            if (at == out.length) {
                out = Arrays.copyOf(out, Math.max(4, 2 * out.length)); // grew while read
            }
            out[at++] = name;
            out[at++] = copied;
            skipLibrary = outerSkip;
        }

        /** The value as kept: immutable as it is, containers copied; mirrors {@code EventEncoder.value}. */
        private Object value(String key, Object value, int depth) {
            if (depth > EventEncoder.MAX_DEPTH) {
                throw new InvalidEventException("'" + key + "' is nested more than " + EventEncoder.MAX_DEPTH
                        + " levels deep (does a map or list contain itself?)");
            }
            if (value == null) {
                bytes += 4;
                return null;
            } else if (value instanceof String) {
                bytes += ((String) value).length() + 2;
                return value;
            } else if (value instanceof Double) {
                double d = (Double) value;
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new InvalidEventException("'" + key + "' is " + d + ", which JSON cannot hold");
                }
                bytes += 3;
                return value;
            } else if (value instanceof Integer
                    || value instanceof Long
                    || value instanceof Short
                    || value instanceof Byte) {
                bytes += 1;
                return value;
            } else if (value instanceof AtomicInteger || value instanceof AtomicLong) {
                bytes += 1;
                return ((Number) value).longValue();
            } else if (value instanceof Boolean) {
                bytes += 4;
                return value;
            } else if (value instanceof Float) {
                float f = (Float) value;
                if (Float.isNaN(f) || Float.isInfinite(f)) {
                    throw new InvalidEventException("'" + key + "' is " + f + ", which JSON cannot hold");
                }
                bytes += 3;
                return value;
            } else if (value instanceof Map) {
                bytes += 1; // braces, less the comma its last entry counted
                return copy((Map<?, ?>) value, depth + 1);
            } else if (value instanceof List && value instanceof RandomAccess) {
                List<?> list = (List<?>) value;
                int n = list.size();
                Object[] items = new Object[n];
                for (int i = 0; i < n; i++) {
                    items[i] = value(key, list.get(i), depth + 1);
                }
                bytes += 1 + n;
                return items;
            } else if (value instanceof Iterable) {
                ArrayList<Object> items = new ArrayList<>();
                for (Object item : (Iterable<?>) value) {
                    items.add(value(key, item, depth + 1));
                }
                bytes += 1 + items.size();
                return items.toArray();
            } else if (value instanceof Object[]) {
                Object[] array = (Object[]) value;
                Object[] items = new Object[array.length];
                for (int i = 0; i < array.length; i++) {
                    items[i] = value(key, array[i], depth + 1);
                }
                bytes += 1 + array.length;
                return items;
            } else if (value instanceof BigDecimal
                    || value instanceof BigInteger
                    || value instanceof Instant
                    || value instanceof OffsetDateTime
                    || value instanceof ZonedDateTime
                    || value instanceof LocalDate
                    || value instanceof LocalDateTime
                    || value instanceof LocalTime
                    || value instanceof Character
                    || value instanceof UUID) {
                bytes += 1;
                return value; // immutable
            } else if (value instanceof Date) {
                bytes += 26;
                return ((Date) value).toInstant();
            } else if (value instanceof CharSequence) {
                String s = value.toString();
                bytes += s.length() + 2;
                return s;
            } else if (value instanceof Enum) {
                String s = ((Enum<?>) value).name();
                bytes += s.length() + 2;
                return s;
            } else if (value instanceof int[]) {
                bytes += 1 + 2 * ((int[]) value).length;
                return ((int[]) value).clone();
            } else if (value instanceof long[]) {
                bytes += 1 + 2 * ((long[]) value).length;
                return ((long[]) value).clone();
            } else if (value instanceof double[]) {
                double[] copy = ((double[]) value).clone();
                for (double d : copy) {
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new InvalidEventException("'" + key + "' is " + d + ", which JSON cannot hold");
                    }
                }
                bytes += 1 + 4 * copy.length;
                return copy;
            } else if (value instanceof float[]) {
                float[] copy = ((float[]) value).clone();
                for (float f : copy) {
                    if (Float.isNaN(f) || Float.isInfinite(f)) {
                        throw new InvalidEventException("'" + key + "' is " + f + ", which JSON cannot hold");
                    }
                }
                bytes += 1 + 4 * copy.length;
                return copy;
            } else if (value instanceof boolean[]) {
                bytes += 1 + 5 * ((boolean[]) value).length;
                return ((boolean[]) value).clone();
            }
            throw new InvalidEventException(
                    "'" + key + "' is a " + value.getClass().getName()
                            + ", which is not JSON-able: use strings, numbers, booleans, null, dates, lists, arrays or maps");
        }
    }
}
