package io.spool.samples.quickstart;

import io.spool.samples.shop.ShopService;
import io.spool.samples.shop.ShopService.OrderLine;
import io.spool.samples.shop.ShopService.Product;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulated shoppers driving {@link ShopService}: visitors browse pages and products, some sign up
 * (alias, identify, "Signed Up"), some join a company (group), some use the app (screens), and some
 * buy. Seeded, so a run is repeatable; it keeps its own tally of what it tracked, which the quickstart
 * holds against what the Parquet files say.
 */
final class ShopTraffic {
    private static final String[][] PAGES = {
        {"/", "Home"}, {"/furniture", "Furniture"}, {"/lighting", "Lighting"}, {"/about", "About"}, {"/cart", "Cart"}
    };
    private static final String[] SCREENS = {"Home", "Search", "Product", "Cart"};
    private static final List<Product> PRODUCTS = List.of(
            new Product("sku-1", "Walnut desk", "furniture", new BigDecimal("349.00")),
            new Product("sku-2", "Desk lamp", "lighting", new BigDecimal("49.90")),
            new Product("sku-3", "Oak chair", "furniture", new BigDecimal("189.00")),
            new Product("sku-4", "Shelf", "furniture", new BigDecimal("129.50")),
            new Product("sku-5", "Floor lamp", "lighting", new BigDecimal("99.00")));

    private final ShopService shop;
    private final Random random;
    private final AtomicLong tracked = new AtomicLong();
    private final Map<String, Long> byTypeAndName = new TreeMap<>();
    private BigDecimal revenue = BigDecimal.ZERO;
    private long orders;
    private long users;

    ShopTraffic(ShopService shop, long seed) {
        this.shop = shop;
        this.random = new Random(seed);
    }

    /**
     * Runs whole visits until at least {@code events} events were tracked, at about {@code perSecond}
     * events a second: a busy shop, not a tight loop. (Spool's buffer is bounded on purpose; an app
     * that tracks faster than the network delivers for long enough sees drops, counted and reported.)
     */
    void run(long events, long perSecond) {
        long start = System.nanoTime();
        while (tracked.get() < events) {
            visit();
            long due = start + tracked.get() * 1_000_000_000L / perSecond;
            long ahead = due - System.nanoTime();
            if (ahead > 0) {
                LockSupport.parkNanos(ahead);
            }
        }
    }

    private void visit() {
        String anonymousId = new UUID(random.nextLong(), random.nextLong()).toString();
        String userId = null;
        boolean app = random.nextInt(4) == 0;
        int views = 1 + random.nextInt(5);
        for (int i = 0; i < views; i++) {
            if (app) {
                String screen = SCREENS[random.nextInt(SCREENS.length)];
                shop.viewScreen(anonymousId, null, screen);
                count("screen", screen);
            } else {
                String[] page = PAGES[random.nextInt(PAGES.length)];
                shop.viewPage(anonymousId, null, page[0], page[1]);
                count("page", page[1]);
            }
            if (random.nextBoolean()) {
                shop.viewProduct(anonymousId, null, product());
                count("track", "Product Viewed");
            }
        }
        if (random.nextInt(10) < 3) {
            userId = "user-" + (++users);
            shop.signUp(
                    anonymousId, userId, userId + "@example.com", random.nextBoolean() ? "free" : "pro", Instant.now());
            count("alias", "");
            count("identify", "");
            count("track", "Signed Up");
            if (random.nextInt(5) == 0) {
                int company = random.nextInt(50);
                shop.joinCompany(userId, "company-" + company, "Company " + company, 10 + company * 7);
                count("group", "");
            }
        }
        if (userId != null && random.nextInt(10) < 6) {
            List<OrderLine> lines = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                Product p = product();
                int quantity = 1 + random.nextInt(2);
                shop.addToCart(userId, p, quantity);
                count("track", "Product Added");
                lines.add(new OrderLine(p, quantity));
            }
            shop.completeOrder(userId, "order-" + (orders + 1), lines);
            count("track", "Order Completed");
            orders++;
            for (OrderLine line : lines) {
                revenue = revenue.add(line.product().price().multiply(BigDecimal.valueOf(line.quantity())));
            }
        }
    }

    private Product product() {
        return PRODUCTS.get(random.nextInt(PRODUCTS.size()));
    }

    private void count(String type, String name) {
        byTypeAndName.merge(type + "\t" + name, 1L, Long::sum);
        tracked.incrementAndGet();
    }

    /** Events tracked so far; read from any thread. */
    long tracked() {
        return tracked.get();
    }

    /** "type\tname" → events tracked. Read after {@link #run} returns. */
    Map<String, Long> byTypeAndName() {
        return byTypeAndName;
    }

    BigDecimal revenue() {
        return revenue;
    }

    long orders() {
        return orders;
    }
}
