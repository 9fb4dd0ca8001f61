package io.spool.sdk.internal;

import io.spool.sdk.DeliveryFailure;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/**
 * What the senders log about delivery, so that an outage reads as a story and not as a flood: the first
 * failed attempt at once (naming the endpoint and the cause), then at most one line per interval with
 * counts, and one line when delivery works again. A refused write key (401/403) is an error. Batches
 * given up on are counted into those lines, not logged one by one.
 *
 * <p>Senders call it once per attempt or batch, never per event, so a monitor is cheap enough and keeps
 * the counts of several senders consistent.
 */
public final class DeliveryLog {
    private final Logger log;
    private final String endpoint;
    private final String keyHint;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final IntSupplier queued;

    // all guarded by this
    private boolean failing;
    private long failingSince;
    private long lastLine;
    private long attemptsFailed;
    private long batchesGivenUp;
    private long eventsGivenUp;
    private int lastStatus;
    private String lastError;
    /** Events the collector rejected inside 2xx answers since the last line about them. */
    private long rejectedUnlogged;

    private long lastRejectedLine;
    private boolean rejectedLogged;

    /**
     * @param writeKey shown only as a hint (its first characters and length), never whole
     * @param queued how many events wait in the buffer, for the periodic line
     */
    public DeliveryLog(
            Logger log, String endpoint, String writeKey, long intervalNanos, LongSupplier clock, IntSupplier queued) {
        this.log = log;
        this.endpoint = endpoint;
        this.keyHint = keyHint(writeKey);
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.queued = queued;
    }

    /** "'abcd…' (32 characters)": enough to tell two keys apart, too little to use one. */
    static String keyHint(String key) {
        int shown = Math.min(4, key.length() / 4);
        return "'" + key.substring(0, shown) + "…' (" + key.length() + " characters)";
    }

    /** An attempt got {@code status} (0: an I/O error, {@code cause}) instead of a 2xx. */
    public synchronized void attemptFailed(int status, String error, Throwable cause, int events) {
        long now = clock.getAsLong();
        attemptsFailed++;
        lastStatus = status;
        lastError = error;
        if (!failing) {
            failing = true;
            failingSince = now;
            lastLine = now;
            firstFailure(status, error, cause, events);
        } else if (now - lastLine >= intervalNanos) {
            lastLine = now;
            stillFailing(now);
        }
    }

    private void firstFailure(int status, String error, Throwable cause, int events) {
        String every = " (while it lasts, one line every " + interval() + " at most)";
        if (status == 401 || status == 403) {
            log.error(
                    "spool: the collector at {} refused the write key {} ({}): batches are given up on, not"
                            + " retried, until the key matches one the collector was started with{}",
                    endpoint,
                    keyHint,
                    error,
                    every);
        } else if (RetryPolicy.isRetriable(status)) {
            String hint = cause instanceof SSLException && endpoint.startsWith("https:")
                    ? " (an https:// endpoint: does the collector serve HTTPS, or plain http://?)"
                    : "";
            log.warn(
                    "spool: delivery to {} failed: {}{}; retrying, events wait in the buffer{}",
                    endpoint,
                    error,
                    hint,
                    every);
        } else {
            log.warn(
                    "spool: the collector at {} refused a batch of {} events ({}): it is given up on, not"
                            + " retried{}",
                    endpoint,
                    events,
                    error,
                    every);
        }
    }

    private void stillFailing(long now) {
        String line = "spool: delivery to {} failing for {} s: {} attempts failed, {} batches ({} events) given"
                + " up, {} events waiting; last: {}";
        Object[] args = {
            endpoint,
            seconds(now - failingSince),
            attemptsFailed,
            batchesGivenUp,
            eventsGivenUp,
            queued.getAsInt(),
            lastError
        };
        if (lastStatus == 401 || lastStatus == 403) {
            log.error(line, args);
        } else {
            log.warn(line, args);
        }
    }

    /** A batch of {@code events} was given up on; counted into the periodic and recovery lines. */
    public synchronized void gaveUp(DeliveryFailure.Reason reason, int events) {
        batchesGivenUp++;
        eventsGivenUp += events;
        long now = clock.getAsLong();
        if (failing && now - lastLine >= intervalNanos) {
            lastLine = now;
            stillFailing(now);
        }
    }

    /** A 2xx: when an outage was going on, it is over. */
    public synchronized void delivered() {
        if (!failing) {
            return;
        }
        long now = clock.getAsLong();
        log.info(
                "spool: delivery to {} works again after {} s: {} failed attempts, {} batches ({} events)"
                        + " given up",
                endpoint,
                seconds(now - failingSince),
                attemptsFailed,
                batchesGivenUp,
                eventsGivenUp);
        failing = false;
        attemptsFailed = 0;
        batchesGivenUp = 0;
        eventsGivenUp = 0;
    }

    /** The collector stored a batch but rejected {@code rejected} of its events (its body lists them). */
    public synchronized void rejectedInBatch(int rejected, int events, String firstError) {
        long now = clock.getAsLong();
        rejectedUnlogged += rejected;
        if (!rejectedLogged || now - lastRejectedLine >= intervalNanos) {
            log.warn(
                    "spool: the collector at {} rejected {} events{}; first: {}",
                    endpoint,
                    rejectedUnlogged,
                    rejectedLogged ? " since the last line" : " of a batch of " + events,
                    firstError);
            rejectedLogged = true;
            lastRejectedLine = now;
            rejectedUnlogged = 0;
        }
    }

    public String endpoint() {
        return endpoint;
    }

    /** For close()'s last line: the outage's last error, or null when delivery was working. */
    public synchronized String lastErrorIfFailing() {
        return failing ? lastError : null;
    }

    private String interval() {
        return intervalNanos % 1_000_000_000L == 0
                ? intervalNanos / 1_000_000_000L + " s"
                : TimeUnit.NANOSECONDS.toMillis(intervalNanos) + " ms";
    }

    private static long seconds(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toSeconds(nanos + 500_000_000L));
    }
}
