package io.spool.benchmarks.collector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * The request bodies of the collector's load figures: a batch of realistic server-side track events
 * (~390 bytes of JSON each: ids, a timestamp, five properties, a library/ip/locale/page context), as
 * Segment's Java client sends them. {@code main} writes {@code batch-<n>.json} and its gzip beside it.
 */
public final class LoadBodies {
    private static final String[] EVENTS = {"Product Viewed", "Product Added", "Checkout Started", "Order Completed"};
    private static final String[] CATEGORIES = {"Shoes", "Accessories", "Outdoor", "Kids"};

    private LoadBodies() {}

    /** One event; {@code i} varies ids and values so the batch does not repeat itself. */
    static String event(int i, Random random) {
        UUID id = new UUID(random.nextLong(), random.nextLong());
        int product = random.nextInt(1000);
        return "{\"type\":\"track\",\"messageId\":\"" + id + "\",\"timestamp\":\"2026-03-01T12:00:"
                + String.format("%02d.%03dZ", i % 60, random.nextInt(1000)) + "\",\"userId\":\"user_"
                + Integer.toHexString(random.nextInt())
                + "\",\"event\":\"" + EVENTS[i % EVENTS.length] + "\",\"properties\":{\"product_id\":\"prod_" + product
                + "\",\"sku\":\"SKU-" + product + "\",\"price\":" + (10 + random.nextInt(90))
                + ".95,\"currency\":\"USD\","
                + "\"category\":\"" + CATEGORIES[product % CATEGORIES.length] + "\"},\"context\":{\"library\":"
                + "{\"name\":\"analytics-java\",\"version\":\"3.5.4\"},\"ip\":\"203.0.113." + random.nextInt(255)
                + "\",\"locale\":\"en-US\",\"page\":{\"path\":\"/p/" + product + "\"}}}";
    }

    /** A {@code {"batch":[…],"sentAt":…}} body of {@code events} events. */
    public static byte[] batch(int events) {
        Random random = new Random(42);
        StringBuilder sb = new StringBuilder(events * 400 + 64).append("{\"batch\":[");
        for (int i = 0; i < events; i++) {
            sb.append(i == 0 ? "" : ",").append(event(i, random));
        }
        sb.append("],\"sentAt\":\"2026-03-01T12:00:59.500Z\"}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code LoadBodies <dir> [events]}: writes batch-N.json and batch-N.json.gz. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Files.createDirectories(dir);
        byte[] plain = batch(events);
        byte[] gz = gzip(plain);
        Files.write(dir.resolve("batch-" + events + ".json"), plain);
        Files.write(dir.resolve("batch-" + events + ".json.gz"), gz);
        System.out.printf(
                "batch of %d events: %d bytes plain (%d per event), %d bytes gzip%n",
                events, plain.length, plain.length / events, gz.length);
    }
}
