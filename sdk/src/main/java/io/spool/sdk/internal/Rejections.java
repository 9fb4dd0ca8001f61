package io.spool.sdk.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The events a collector's 200 turned away: {@code {"success":true,"rejected":[{"index":1,"error":"…"}]}}.
 * The collector stores the rest of the batch, so only these are reported as failed.
 */
final class Rejections {
    final List<Integer> indexes = new ArrayList<>();
    String firstError;

    private Rejections() {}

    /** Reads the rejections from a 2xx body; empty when there are none or the body is not the collector's. */
    static Rejections parse(String responseBody) {
        Rejections r = new Rejections();
        if (!responseBody.contains("\"rejected\"")) {
            return r; // the common case: no parse at all
        }
        Object body;
        try {
            body = ResponseJson.parse(responseBody);
        } catch (IllegalArgumentException notJson) {
            return r; // a 2xx with a body we cannot read: the events were accepted, nothing to report
        }
        if (!(body instanceof Map) || !(((Map<?, ?>) body).get("rejected") instanceof List)) {
            return r;
        }
        for (Object item : (List<?>) ((Map<?, ?>) body).get("rejected")) {
            if (!(item instanceof Map)) {
                continue;
            }
            Object index = ((Map<?, ?>) item).get("index");
            Object error = ((Map<?, ?>) item).get("error");
            if (index instanceof Long && (Long) index >= 0 && (Long) index <= Integer.MAX_VALUE) {
                r.indexes.add(((Long) index).intValue());
                if (r.firstError == null) {
                    r.firstError = error instanceof String ? (String) error : null;
                }
            }
        }
        return r;
    }
}
