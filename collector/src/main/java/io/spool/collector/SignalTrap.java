package io.spool.collector;

import sun.misc.Signal;

/**
 * Runs an action on SIGTERM or SIGINT instead of the JVM's default (run shutdown hooks, exit 143),
 * so that a graceful stop can end with exit status 0. Uses {@code sun.misc.Signal} from the
 * {@code jdk.unsupported} module, which every JDK ships for exactly this.
 */
final class SignalTrap {
    private SignalTrap() {}

    static void onTermination(Runnable action) {
        Signal.handle(new Signal("TERM"), signal -> action.run());
        Signal.handle(new Signal("INT"), signal -> action.run());
    }
}
