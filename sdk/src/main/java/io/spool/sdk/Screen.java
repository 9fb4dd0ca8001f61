package io.spool.sdk;

import java.util.Map;

/**
 * A screen view of a mobile app: {@code Screen.builder("Home").anonymousId("a1").build()}. The name may be null.
 */
public final class Screen extends Event {
  private final String name;
  private final Map<String, ?> properties;

  private Screen(Builder builder) {
    super(builder);
    this.name = builder.name;
    this.properties = builder.properties.map();
  }

  /** The screen's name, or null. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  public String type() {
    return "screen";
  }

  public String name() {
    return name;
  }

  public Map<String, ?> properties() {
    return properties;
  }

  public static final class Builder extends Event.Builder<Builder> {
    private final String name;
    private final Fields properties = new Fields();

    private Builder(String name) {
      this.name = name;
    }

    @Override
    Builder self() {
      return this;
    }

    /** The screen's properties: values may be strings, numbers, booleans, null, dates, lists, arrays, maps. */
    public Builder properties(Map<String, ?> properties) {
      this.properties.all(properties);
      return this;
    }

    /** Adds one property (to a copy of the map given to {@link #properties}, if any). */
    public Builder property(String key, Object value) {
      this.properties.put(key, value);
      return this;
    }

    public Screen build() {
      return new Screen(this);
    }
  }
}
