package io.spool.benchmarks.sdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event both clients send: an e-commerce "Order Completed" with 9 properties (two line items) and a
 * request context, ~700 bytes of JSON. The maps are the app's, built once: what is measured is the
 * client's cost, not the app's.
 */
final class RealisticEvent {
    static final String EVENT = "Order Completed";
    static final String USER_ID = "user_8f3a2c91";
    static final Map<String, Object> PROPERTIES;
    static final Map<String, Object> CONTEXT;

    static {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("orderId", "ord_5d1e7a0c44");
        p.put("total", 129.95);
        p.put("revenue", 119.95);
        p.put("shipping", 5.0);
        p.put("tax", 4.95);
        p.put("discount", 10);
        p.put("coupon", "WINTER10");
        p.put("currency", "USD");
        p.put(
                "products",
                List.of(
                        product("prod_0031", "SKU-31-BLK", "Trail Runner 3", 89.95, 1, "Shoes"),
                        product("prod_0107", "SKU-107-M", "Merino Socks", 15.0, 2, "Accessories")));
        PROPERTIES = p;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ip", "203.0.113.7");
        c.put("userAgent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)");
        c.put("locale", "en-US");
        CONTEXT = c;
    }

    private static Map<String, Object> product(
            String id, String sku, String name, double price, int quantity, String category) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("productId", id);
        m.put("sku", sku);
        m.put("name", name);
        m.put("price", price);
        m.put("quantity", quantity);
        m.put("category", category);
        return m;
    }

    private RealisticEvent() {}
}
