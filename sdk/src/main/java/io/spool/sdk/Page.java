package io.spool.sdk;

import java.util.Map;

/**
 * A page view of a web app: {@code Page.builder("Pricing").userId("u1").build()}. The name may be null.
 */
public final class Page extends Event {
  private final String name;
  private final Map<String, ?> properties;

  private Page(Builder builder) {
    super(builder);
    this.name = builder.name;
    this.properties = builder.properties.map();
  }

  /** The page's name, or null. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  public String type() {
    return "page";
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

    /** The page's properties: values may be strings, numbers, booleans, null, dates, lists, arrays, maps. */
    public Builder properties(Map<String, ?> properties) {
      this.properties.all(properties);
      return this;
    }

    /** Adds one property (to a copy of the map given to {@link #properties}, if any). */
    public Builder property(String key, Object value) {
      this.properties.put(key, value);
      return this;
    }

    public Page build() {
      return new Page(this);
    }
  }
}
