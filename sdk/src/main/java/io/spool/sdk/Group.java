package io.spool.sdk;

import java.util.Map;

/**
 * Ties a user to a group (company, team, account): {@code Group.builder("acme").userId("u1").build()}. The
 * group id is required.
 */
public final class Group extends Event {
  private final String groupId;
  private final Map<String, ?> traits;

  private Group(Builder builder) {
    super(builder);
    this.groupId = builder.groupId;
    this.traits = builder.traits.map();
  }

  /** The group's id (required). */
  public static Builder builder(String groupId) {
    return new Builder(groupId);
  }

  @Override
  public String type() {
    return "group";
  }

  public String groupId() {
    return groupId;
  }

  public Map<String, ?> traits() {
    return traits;
  }

  public static final class Builder extends Event.Builder<Builder> {
    private final String groupId;
    private final Fields traits = new Fields();

    private Builder(String groupId) {
      this.groupId = groupId;
    }

    @Override
    Builder self() {
      return this;
    }

    /** The group's traits: values may be strings, numbers, booleans, null, dates, lists, arrays, maps. */
    public Builder traits(Map<String, ?> traits) {
      this.traits.all(traits);
      return this;
    }

    /** Adds one trait (to a copy of the map given to {@link #traits}, if any). */
    public Builder trait(String key, Object value) {
      this.traits.put(key, value);
      return this;
    }

    public Group build() {
      return new Group(this);
    }
  }
}
