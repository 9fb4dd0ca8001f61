package io.spool.sdk;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Tracks through the SDK on whatever OkHttp the class path holds; run by ChildJvmTest in a JVM with the
 * oldest version the SDK supports and no JSON library. Prints what it ran with.
 */
public final class CompatibilityMain {
    public static void main(String[] args) throws Exception {
        String okhttp = okhttp3.OkHttp.VERSION;
        boolean jackson;
        try {
            Class.forName("com.fasterxml.jackson.core.JsonFactory");
            jackson = true;
        } catch (ClassNotFoundException e) {
            jackson = false;
        }
        System.out.println("okhttp " + okhttp + (jackson ? " with jackson" : " without jackson"));
        // a second client: the "no SLF4J binding" line is said once per JVM, not per client
        Spool.builder("k")
                .endpoint(args[0])
                .drainOnShutdown(Duration.ZERO)
                .build()
                .close();
        try (Spool spool = Spool.builder("k")
                .endpoint(args[0])
                .drainOnShutdown(Duration.ZERO)
                .build()) {
            for (int i = 0; i < 20; i++) {
                spool.track(Track.builder("Compat")
                        .userId("u")
                        .messageId("compat-" + i)
                        .properties(Map.of("at", Instant.EPOCH, "list", List.of(1, 2)))
                        .build());
            }
            if (!spool.flush(Duration.ofSeconds(20))) {
                System.exit(2);
            }
            System.out.println("stats " + spool.stats());
        }
    }
}
