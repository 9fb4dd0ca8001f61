package io.spool.sdk;

/**
 * A page view of a web app: {@code Page.builder("Pricing").userId("u1").build()}. The name may be null.
 */
public final class Page extends ViewEvent {
    private Page(Builder builder) {
        super(builder);
    }

    /** The page's name, or null. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String type() {
        return "page";
    }

    /** Builds a page view: the common fields, plus {@code properties} / {@code property}. */
    public static final class Builder extends ViewEvent.Builder<Builder> {
        private Builder(String name) {
            super(name);
        }

        @Override
        Builder self() {
            return this;
        }

        public Page build() {
            return new Page(this);
        }
    }
}
