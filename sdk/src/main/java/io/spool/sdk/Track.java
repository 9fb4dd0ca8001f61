package io.spool.sdk;

import java.util.Map;

/**
 * Something a user did: {@code Track.builder("Order Completed").userId("u1").properties(props).build()}.
 * The event name is required.
 */
public final class Track extends Event {
  private final String event;
  private final Map<String, ?> properties;

  private Track(Builder builder) {
    super(builder);
    this.event = builder.event;
    this.properties = builder.properties.map();
  }

  public static Builder builder(String event) {
    return new Builder(event);
  }

  @Override
  public String type() {
    return "track";
  }

  public String event() {
    return event;
  }

  public Map<String, ?> properties() {
    return properties;
  }

  public static final class Builder extends Event.Builder<Builder> {
    private final String event;
    private final Fields properties = new Fields();

    private Builder(String event) {
      this.event = event;
    }

    @Override
    Builder self() {
      return this;
    }

    /** The event's properties: values may be strings, numbers, booleans, null, dates, lists, arrays, maps. */
    public Builder properties(Map<String, ?> properties) {
      this.properties.all(properties);
      return this;
    }

    /** Adds one property (to a copy of the map given to {@link #properties}, if any). */
    public Builder property(String key, Object value) {
      this.properties.put(key, value);
      return this;
    }

    public Track build() {
      return new Track(this);
    }
  }
}
