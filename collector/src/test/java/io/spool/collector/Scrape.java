package io.spool.collector;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.TreeMap;

/** One scrape of {@code /metrics}, read as Prometheus does: a series by its name and labels (any order). */
final class Scrape {
    final String text;

    private Scrape(String text) {
        this.text = text;
    }

    static Scrape parse(String text) {
        return new Scrape(text);
    }

    static Scrape of(TestCollector c) {
        TestCollector.Reply reply =
                c.send(HttpRequest.newBuilder(c.uri("/metrics")).GET());
        if (reply.status() != 200) {
            throw new AssertionError("/metrics answered " + reply.status() + ": " + reply.body());
        }
        return new Scrape(reply.body());
    }

    /** The sum of the series named {@code name} whose labels include {@code labels} ("k", "v", …); 0 when none. */
    double sum(String name, String... labels) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            Map<String, String> have = labels(line);
            boolean match = true;
            for (int i = 0; i < labels.length; i += 2) {
                match &= labels[i + 1].equals(have.get(labels[i]));
            }
            if (match) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** The distinct values of {@code label} among the series named {@code name}. */
    java.util.Set<String> values(String name, String label) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{")) {
                String v = labels(line).get(label);
                if (v != null) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static Map<String, String> labels(String line) {
        Map<String, String> out = new TreeMap<>();
        int open = line.indexOf('{');
        if (open < 0) {
            return out;
        }
        int close = line.lastIndexOf('}');
        for (String pair : line.substring(open + 1, close).split("\",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
            }
        }
        return out;
    }
}
