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

    @Override
    String missingField() {
        String missing = super.missingField();
        return missing != null || !isBlank(groupId) ? missing : "group needs a groupId";
    }

    public String groupId() {
        return groupId;
    }

    /** The group's traits. */
    public Map<String, ?> traits() {
        return traits;
    }

    /** Builds a group event: the common fields, plus {@code traits} / {@code trait}. */
    public static final class Builder extends TraitsBuilder<Builder> {
        private final String groupId;

        private Builder(String groupId) {
            this.groupId = groupId;
        }

        @Override
        Builder self() {
            return this;
        }

        public Group build() {
            return new Group(this);
        }
    }
}
