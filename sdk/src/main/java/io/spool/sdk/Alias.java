package io.spool.sdk;

/**
 * Merges two identities: {@code Alias.builder("anon-42").userId("u1").build()} says the user known as
 * {@code anon-42} is {@code u1}. Both ids are required.
 */
public final class Alias extends Event {
    private final String previousId;

    private Alias(Builder builder) {
        super(builder);
        this.previousId = builder.previousId;
    }

    /** The id the user was known by before (required). */
    public static Builder builder(String previousId) {
        return new Builder(previousId);
    }

    @Override
    public String type() {
        return "alias";
    }

    /** Unlike the other types, an alias needs both ids: who the user was and who they are now. */
    @Override
    String missingField() {
        if (isBlank(userId())) {
            return "alias needs a userId (the id the user is known by now)";
        }
        return isBlank(previousId) ? "alias needs a previousId" : null;
    }

    public String previousId() {
        return previousId;
    }

    public static final class Builder extends Event.Builder<Builder> {
        private final String previousId;

        private Builder(String previousId) {
            this.previousId = previousId;
        }

        @Override
        Builder self() {
            return this;
        }

        public Alias build() {
            return new Alias(this);
        }
    }
}
