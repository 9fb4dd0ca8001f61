package io.spool.sdk;

import java.util.Map;

/**
 * Who a user is: {@code Identify.builder().userId("u1").trait("plan", "pro").build()}.
 */
public final class Identify extends Event {
  private final Map<String, ?> traits;

  private Identify(Builder builder) {
    super(builder);
    this.traits = builder.traits.map();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String type() {
    return "identify";
  }

  public Map<String, ?> traits() {
    return traits;
  }

  public static final class Builder extends Event.Builder<Builder> {
    private final Fields traits = new Fields();

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** The user's traits: values may be strings, numbers, booleans, null, dates, lists, arrays, maps. */
    public Builder traits(Map<String, ?> traits) {
      this.traits.all(traits);
      return this;
    }

    /** Adds one trait (to a copy of the map given to {@link #traits}, if any). */
    public Builder trait(String key, Object value) {
      this.traits.put(key, value);
      return this;
    }

    public Identify build() {
      return new Identify(this);
    }
  }
}
