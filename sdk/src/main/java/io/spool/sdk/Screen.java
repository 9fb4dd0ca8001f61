package io.spool.sdk;

/**
 * A screen view of a mobile app: {@code Screen.builder("Home").anonymousId("a1").build()}. The name may be null.
 */
public final class Screen extends ViewEvent {
    private Screen(Builder builder) {
        super(builder);
    }

    /** The screen's name, or null. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String type() {
        return "screen";
    }

    /** Builds a screen view: the common fields, plus {@code properties} / {@code property}. */
    public static final class Builder extends ViewEvent.Builder<Builder> {
        private Builder(String name) {
            super(name);
        }

        @Override
        Builder self() {
            return this;
        }

        public Screen build() {
            return new Screen(this);
        }
    }
}
