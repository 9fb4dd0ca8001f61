package io.spool.collector.internal;

/**
 * A top-level JSON object of a batch body ({@code context} or {@code integrations}): where it sits
 * in the body, where each of its members sits (to merge them under an event's own object by copying
 * bytes), and the context fields that are promoted to columns. Reused from request to request.
 */
final class ObjectSlice {
    boolean present;
    int start;
    int end;
    int count;
    String[] keys = new String[8];
    int[] memberStart = new int[8];
    int[] memberEnd = new int[8];
    boolean hasLibrary;
    boolean hasUserAgent;
    String libraryName;
    String libraryVersion;
    String userAgent;
    /** {@code context.ip} when it is a non-empty string: the client's own address, as Segment takes it. */
    String ip;
    /** Whether the object has an {@code ip} member at all (of any type). */
    boolean hasIp;

    void reset() {
        present = false;
        start = end = count = 0;
        hasLibrary = hasUserAgent = hasIp = false;
        libraryName = libraryVersion = userAgent = ip = null;
        java.util.Arrays.fill(keys, 0, count, null);
    }

    void addMember(String key, int from) {
        if (count == keys.length) {
            keys = java.util.Arrays.copyOf(keys, count * 2);
            memberStart = java.util.Arrays.copyOf(memberStart, count * 2);
            memberEnd = java.util.Arrays.copyOf(memberEnd, count * 2);
        }
        keys[count] = key;
        memberStart[count] = from;
        memberEnd[count] = from;
        count++;
    }
}
