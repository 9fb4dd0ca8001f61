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

    /** The user's traits. */
    public Map<String, ?> traits() {
        return traits;
    }

    /** Builds an identify event: the common fields, plus {@code traits} / {@code trait}. */
    public static final class Builder extends TraitsBuilder<Builder> {
        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        public Identify build() {
            return new Identify(this);
        }
    }
}
