package io.spool.samples.shop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.spool.sdk.Spool;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * A tiny shop web app that embeds the Spool SDK: the shape of a real backend, in one file.
 *
 * <pre>
 * java -cp samples/target/spool-quickstart.jar io.spool.samples.shop.ShopServer
 * curl -X POST 'localhost:8080/signup?email=ada@example.com'
 * curl 'localhost:8080/products/sku-1'
 * curl -X POST 'localhost:8080/orders?user=...&amp;product=sku-1&amp;quantity=2'
 * </pre>
 *
 * Settings come from the environment: {@code SPOOL_ENDPOINT} (default http://localhost:8088, a
 * collector started with the quickstart's {@code --serve} or the collector jar), {@code
 * SPOOL_WRITE_KEY}, {@code SHOP_PORT}.
 */
public final class ShopServer {
    static final Map<String, ShopService.Product> CATALOGUE = Map.of(
            "sku-1", new ShopService.Product("sku-1", "Walnut desk", "furniture", new BigDecimal("349.00")),
            "sku-2", new ShopService.Product("sku-2", "Desk lamp", "lighting", new BigDecimal("49.90")),
            "sku-3", new ShopService.Product("sku-3", "Oak chair", "furniture", new BigDecimal("189.00")));

    public static void main(String[] args) throws IOException {
        String endpoint = System.getenv().getOrDefault("SPOOL_ENDPOINT", "http://localhost:8088");
        String writeKey = System.getenv().getOrDefault("SPOOL_WRITE_KEY", "quickstart");
        int port = Integer.parseInt(System.getenv().getOrDefault("SHOP_PORT", "8080"));

        // One client for the whole app, built at start-up. A bad endpoint fails here, not on the
        // first request.
        Spool spool = Spool.builder(writeKey).endpoint(endpoint).build();
        ShopService shop = new ShopService(spool);

        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/signup", exchange -> {
            // The visitor's anonymous id would come from a cookie; here the client may pass one.
            String anonymousId =
                    query(exchange, "anonymousId", UUID.randomUUID().toString());
            String userId = "user-" + UUID.randomUUID();
            shop.signUp(anonymousId, userId, query(exchange, "email", "someone@example.com"), "free", Instant.now());
            respond(exchange, 201, "{\"userId\":\"" + userId + "\"}");
        });
        server.createContext("/products/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/products/".length());
            ShopService.Product product = CATALOGUE.get(id);
            if (product == null) {
                respond(exchange, 404, "{\"error\":\"no such product\"}");
                return;
            }
            shop.viewProduct(query(exchange, "anonymousId", "anonymous"), query(exchange, "user", null), product);
            respond(exchange, 200, "{\"id\":\"" + id + "\",\"name\":\"" + product.name() + "\"}");
        });
        server.createContext("/orders", exchange -> {
            ShopService.Product product = CATALOGUE.get(query(exchange, "product", "sku-1"));
            String user = query(exchange, "user", null);
            if (product == null || user == null) {
                respond(exchange, 400, "{\"error\":\"user and a known product are required\"}");
                return;
            }
            String orderId = "order-" + UUID.randomUUID();
            int quantity = Integer.parseInt(query(exchange, "quantity", "1"));
            // ...store the order first; track it once it is a fact.
            shop.completeOrder(user, orderId, List.of(new ShopService.OrderLine(product, quantity)));
            respond(exchange, 201, "{\"orderId\":\"" + orderId + "\"}");
        });

        // On SIGTERM: stop taking requests, then close Spool, which delivers what it still holds
        // (within its close timeout) and reports anything it could not.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.stop(1);
                            boolean delivered = spool.close(Duration.ofSeconds(10));
                            System.err.println("shop: stopped; Spool "
                                    + (delivered ? "delivered everything" : "could not deliver all") + " ("
                                    + spool.stats() + ")");
                        },
                        "shop-shutdown"));
        server.start();
        System.err.println("shop: listening on http://localhost:" + port + ", tracking to " + endpoint);
    }

    private static String query(HttpExchange exchange, String name, String fallback) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return fallback;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private ShopServer() {}
}
