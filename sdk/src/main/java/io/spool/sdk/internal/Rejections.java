package io.spool.sdk.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
    try (JsonParser p = EventEncoder.JSON.createParser(responseBody)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return r;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!"rejected".equals(field) || value != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          int index = -1;
          String error = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("index".equals(name) && t == JsonToken.VALUE_NUMBER_INT) {
              index = p.getIntValue();
            } else if ("error".equals(name) && t == JsonToken.VALUE_STRING) {
              error = p.getText();
            } else {
              p.skipChildren();
            }
          }
          if (index >= 0) {
            r.indexes.add(index);
            if (r.firstError == null) {
              r.firstError = error;
            }
          }
        }
      }
    } catch (IOException notJson) {
      // a 2xx with a body we cannot read: the events were accepted, nothing to report
    }
    return r;
  }
}
