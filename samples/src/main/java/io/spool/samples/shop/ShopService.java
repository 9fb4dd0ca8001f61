package io.spool.samples.shop;

import io.spool.sdk.Alias;
import io.spool.sdk.Group;
import io.spool.sdk.Identify;
import io.spool.sdk.Page;
import io.spool.sdk.Screen;
import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The business logic of a small shop backend, and where it tells Spool what happened.
 *
 * <p>What this class shows:
 * <ul>
 *   <li>One {@link Spool} client for the whole app, handed in: it is thread safe and holds a sender
 *       thread and a connection pool, so creating one per request would leak both.
 *   <li>Tracking is a cheap, non-blocking call on the request thread: the event is serialized then and
 *       there and handed to Spool's buffer. A slow or down collector never slows a checkout.
 *   <li>Track facts after they happened (after the order is stored), and name events in the past
 *       tense, "Order Completed", as Segment's spec does: analysts will thank you.
 * </ul>
 */
public final class ShopService {
    private final Spool spool;

    public ShopService(Spool spool) {
        this.spool = spool;
    }

    /** A visitor (not signed in yet) looks at a page. Anonymous ids come from the visitor's cookie. */
    public void viewPage(String anonymousId, String userId, String path, String title) {
        spool.page(Page.builder(title)
                .userId(userId)
                .anonymousId(anonymousId)
                .property("path", path)
                .property("url", "https://shop.example" + path)
                .build());
    }

    /** The mobile app reports its screens the same way. */
    public void viewScreen(String anonymousId, String userId, String screen) {
        spool.screen(Screen.builder(screen)
                .userId(userId)
                .anonymousId(anonymousId)
                .context(Map.of("device", Map.of("type", "ios"), "app", Map.of("name", "Shop", "version", "4.2.0")))
                .build());
    }

    public void viewProduct(String anonymousId, String userId, Product product) {
        spool.track(Track.builder("Product Viewed")
                .userId(userId)
                .anonymousId(anonymousId)
                .property("product_id", product.id())
                .property("name", product.name())
                .property("category", product.category())
                .property("price", product.price())
                .property("currency", "EUR")
                .build());
    }

    /**
     * Sign-up: the moment an anonymous visitor becomes a known user. Three calls, in this order:
     * {@code alias} ties the cookie's anonymous id to the new user id (so the pages viewed before
     * sign-up join the user's history), {@code identify} records who they are, and {@code track}
     * records the sign-up itself.
     */
    public void signUp(String anonymousId, String userId, String email, String plan, Instant at) {
        spool.alias(Alias.builder(anonymousId).userId(userId).build());
        spool.identify(Identify.builder()
                .userId(userId)
                .anonymousId(anonymousId)
                .trait("email", email)
                .trait("plan", plan)
                .trait("created_at", at)
                .build());
        spool.track(
                Track.builder("Signed Up").userId(userId).property("plan", plan).build());
    }

    /** B2B customers buy for a company: {@code group} ties the user to it, with the company's traits. */
    public void joinCompany(String userId, String companyId, String companyName, int employees) {
        spool.group(Group.builder(companyId)
                .userId(userId)
                .trait("name", companyName)
                .trait("employees", employees)
                .build());
    }

    public void addToCart(String userId, Product product, int quantity) {
        spool.track(Track.builder("Product Added")
                .userId(userId)
                .property("product_id", product.id())
                .property("price", product.price())
                .property("quantity", quantity)
                .build());
    }

    /**
     * An order was stored. Revenue goes in {@code revenue}, as a number, so that a query can sum it
     * ({@code json_extract(properties, '$.revenue')}); the line items go in as a list of maps.
     */
    public void completeOrder(String userId, String orderId, List<OrderLine> lines) {
        BigDecimal revenue = BigDecimal.ZERO;
        List<Map<String, Object>> products = new java.util.ArrayList<>();
        for (OrderLine line : lines) {
            revenue = revenue.add(line.product().price().multiply(BigDecimal.valueOf(line.quantity())));
            products.add(Map.of(
                    "product_id", line.product().id(), "price", line.product().price(), "quantity", line.quantity()));
        }
        spool.track(Track.builder("Order Completed")
                .userId(userId)
                .property("order_id", orderId)
                .property("revenue", revenue)
                .property("currency", "EUR")
                .property("products", products)
                .build());
    }

    /** An item of the catalogue. Prices are decimals: never doubles for money. */
    public record Product(String id, String name, String category, BigDecimal price) {}

    public record OrderLine(Product product, int quantity) {}
}
