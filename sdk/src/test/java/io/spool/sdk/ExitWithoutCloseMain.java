package io.spool.sdk;

import java.time.Duration;

/**
 * An app that tracks and returns from main without close(), run in a child JVM by ChildJvmTest.
 * Arguments: endpoint, then "drain" (default shutdown hook) or "no-hook".
 */
public final class ExitWithoutCloseMain {
    public static void main(String[] args) {
        Spool.Builder builder = Spool.builder("k").endpoint(args[0]).linger(Duration.ofHours(1));
        if (args[1].equals("no-hook")) {
            builder.drainOnShutdown(Duration.ZERO);
        }
        Spool spool = builder.build();
        for (int i = 0; i < 3; i++) {
            spool.track(Track.builder("Exit").userId("u").messageId("exit-" + i).build());
        }
        System.out.println("main returns");
    }
}
