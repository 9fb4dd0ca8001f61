package io.spool.benchmarks.sdk;

import io.spool.sdk.Track;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The load generator's server-side track events ({@code collector.LoadBodies}: ~400 bytes of JSON, ids,
 * five properties, an ip/locale/page context) as an app tracks them through the SDK's public API: the
 * same fields and the same values, drawn from the same seeded random sequence, 100 of them in turn. The
 * SDK writes its own {@code messageId}, {@code timestamp} and {@code context.library} (spool-java where
 * the generator's body says analytics-java), so the JSON differs from the generator's by a few bytes.
 */
final class SmallEvents {
    private static final String[] EVENTS = {"Product Viewed", "Product Added", "Checkout Started", "Order Completed"};
    private static final String[] CATEGORIES = {"Shoes", "Accessories", "Outdoor", "Kids"};
    static final int COUNT = 100;

    private final String[] names = new String[COUNT];
    private final String[] userIds = new String[COUNT];
    private final Map<String, Object>[] properties;
    private final Map<String, Object>[] contexts;

    @SuppressWarnings("unchecked")
    SmallEvents() {
        properties = new Map[COUNT];
        contexts = new Map[COUNT];
        Random random = new Random(42); // LoadBodies.batch's seed, drawn in LoadBodies.event's order
        for (int i = 0; i < COUNT; i++) {
            random.nextLong(); // the generator's messageId: the SDK makes its own
            random.nextLong();
            int product = random.nextInt(1000);
            random.nextInt(1000); // the generator's timestamp millis: the SDK stamps the call
            userIds[i] = "user_" + Integer.toHexString(random.nextInt());
            names[i] = EVENTS[i % EVENTS.length];
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("product_id", "prod_" + product);
            p.put("sku", "SKU-" + product);
            p.put("price", Double.parseDouble((10 + random.nextInt(90)) + ".95"));
            p.put("currency", "USD");
            p.put("category", CATEGORIES[product % CATEGORIES.length]);
            properties[i] = p;
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("ip", "203.0.113." + random.nextInt(255));
            c.put("locale", "en-US");
            c.put("page", Map.of("path", "/p/" + product));
            contexts[i] = c;
        }
    }

    /** The {@code i}-th event (mod 100), built as an app builds one per call. */
    Track track(int i) {
        int k = i % COUNT;
        return Track.builder(names[k])
                .userId(userIds[k])
                .properties(properties[k])
                .context(contexts[k])
                .build();
    }
}
