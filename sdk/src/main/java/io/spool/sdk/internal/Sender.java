package io.spool.sdk.internal;

import io.spool.sdk.DeliveryFailure;
import io.spool.sdk.DeliveryListener;
import io.spool.sdk.InvalidEventException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sender thread's loop: wait for a batch, encode its events (taken at the call as {@link Snapshot}s),
 * gzip it (unless the client sends plain JSON), POST it, retry what is worth retrying, tell the listener, repeat until the buffer is closed
 * and empty. It owns its batch body and every field here;
 * nothing in it runs on an app thread. A client runs one sender per request it may have in flight
 * ({@link Senders}); each sends one batch at a time, and a retry resends the same body, so the same
 * message ids.
 */
public final class Sender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("io.spool.sdk.Spool");

    /**
     * A call's deadline on the client's own OkHttpClient, which has no per-read/write timeouts: the
     * collector's time to answer (the 30 s the read timeout gave) plus connecting (10 s) plus the body at
     * {@link #SLOWEST_UPLOAD_BYTES_PER_SECOND}, so an upload cut off is one slower than a modem.
     */
    static final long CALL_TIMEOUT_BASE_NANOS = TimeUnit.SECONDS.toNanos(40);

    /** 8 KB/s: a 60 KB gzip batch gets 7.5 s more, the largest plain body (500 KB) 62.5 s. */
    static final long SLOWEST_UPLOAD_BYTES_PER_SECOND = 8_000;

    private final EventBuffer buffer;
    /** This sender's slot in the buffer's record of batches in flight. */
    private final int index;

    private final BatchBody body;
    /** This thread's own: encoding happens here, not on the app's thread. */
    private final EventEncoder encoder;
    /** The events taken from the buffer, sent in one request or, when their encoding outgrew it, several. */
    private final Snapshot[] taken;
    /** For each event in {@link #body}: its place in {@link #taken}, which the buffer's accounting counts by. */
    private final int[] positions;

    private final Call.Factory calls;
    private final HttpUrl url;
    private final String authorization;
    private final String userAgent;
    private final RetryPolicy retry;
    private final RetryTimer timer;
    private final long deliveryTimeoutNanos;
    /** Whether each call gets its own deadline ({@link #callTimeoutNanos}): the client's own OkHttpClient. */
    private final boolean callDeadlines;

    private final Counters counters;
    private final DeliveryListener listener;
    private final DeliveryLog deliveryLog;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Call inFlight;

    // what the last attempt got; only the sender thread reads and writes these
    private long retryAfterNanos;
    private String responseText;
    private String error;
    private IOException cause;

    public Sender(
            EventBuffer buffer,
            int index,
            BatchBody body,
            EventEncoder encoder,
            int batchSize,
            Call.Factory calls,
            HttpUrl url,
            String authorization,
            RetryPolicy retry,
            RetryTimer timer,
            long deliveryTimeoutNanos,
            boolean callDeadlines,
            Counters counters,
            DeliveryListener listener,
            DeliveryLog deliveryLog) {
        this.buffer = buffer;
        this.index = index;
        this.body = body;
        this.encoder = encoder;
        this.taken = new Snapshot[batchSize];
        this.positions = new int[batchSize];
        this.calls = calls;
        this.url = url;
        this.authorization = authorization;
        this.userAgent = Version.LIBRARY_NAME + "/" + Version.VERSION;
        this.retry = retry;
        this.timer = timer;
        this.deliveryTimeoutNanos = deliveryTimeoutNanos;
        this.callDeadlines = callDeadlines;
        this.counters = counters;
        this.listener = listener;
        this.deliveryLog = deliveryLog;
    }

    @Override
    public void run() {
        try {
            int n;
            while ((n = buffer.awaitBatch(taken, index)) > 0) {
                for (int next = 0; next < n; ) {
                    next = fill(next, n);
                    if (body.events() == 0) {
                        continue; // every event left was over the size limit
                    }
                    body.finish(System.currentTimeMillis());
                    try {
                        deliver();
                    } catch (RuntimeException | Error e) {
                        // A bug here must not strand the events behind this batch: count it and go on.
                        log.error("spool: sending a batch of {} events failed unexpectedly", body.events(), e);
                        giveUp(DeliveryFailure.Reason.RETRIES_EXHAUSTED, 0, String.valueOf(e), null);
                    }
                }
                Arrays.fill(taken, 0, n, null); // the app's values are not held past their batch
                buffer.settled(index); // after the listener, so flush(timeout) returns with the outcome reported
            }
        } catch (InterruptedException e) {
            log.warn("spool: sender interrupted; {} events left unsent", buffer.queued());
            Thread.currentThread().interrupt();
        } finally {
            body.release();
            done.countDown();
        }
    }

    /**
     * Encodes {@code taken[from..n)} into the body until one does not fit: the buffer cut the batch by
     * each event's lower bound, so the encoded events may need more than one request. An event the
     * encoding finds over the size limit is reported on its own. Returns where the next request starts.
     */
    private int fill(int from, int n) {
        body.begin();
        int i = from;
        for (; i < n; i++) {
            Snapshot event = taken[i];
            try {
                encoder.encode(event);
            } catch (InvalidEventException e) {
                tooLarge(event, i, e);
                continue;
            }
            if (body.events() > 0 && !body.fits(encoder.size())) {
                break; // every event fits an empty batch (checked when the client is built)
            }
            positions[body.events()] = i;
            body.add(encoder.array(), encoder.size());
        }
        return i;
    }

    /** An event whose encoding came out over maxEventBytes: a failure of its own, never sent. */
    private void tooLarge(Snapshot event, int position, InvalidEventException e) {
        String id = encoder.lastMessageId(event);
        counters.failed.incrementAndGet();
        buffer.failed(index, position, position + 1);
        log.warn("spool: an event came out over the size limit once encoded and was not sent: {}", e.getMessage());
        try {
            listener.onFailed(
                    new DeliveryFailure(DeliveryFailure.Reason.TOO_LARGE, List.of(id), 0, e.getMessage(), null));
        } catch (RuntimeException listenerError) {
            log.warn("spool: DeliveryListener.onFailed threw {}", listenerError.toString());
        }
    }

    /** The body's events {@code [from, to)} failed: tell the buffer, by their places in {@link #taken}. */
    private void failedInBody(int from, int to) {
        int run = from;
        for (int i = from + 1; i <= to; i++) {
            if (i == to || positions[i] != positions[i - 1] + 1) {
                buffer.failed(index, positions[run], positions[i - 1] + 1);
                run = i;
            }
        }
    }

    /** Sends the current batch until it is delivered or given up on. */
    private void deliver() throws InterruptedException {
        long giveUpAt = timer.nanoTime() + deliveryTimeoutNanos;
        int status = 0;
        for (int attempt = 0; ; attempt++) {
            if (buffer.closeDeadlinePassed()) {
                giveUp(
                        DeliveryFailure.Reason.CLOSED,
                        status,
                        "close() deadline passed before the batch was delivered"
                                + (error == null ? "" : " (last error: " + error + ")"),
                        cause);
                return;
            }
            status = post();
            if (status >= 200 && status < 300) {
                delivered(status);
                return;
            }
            if (!buffer.closeDeadlinePassed()) { // an attempt close() cut short says nothing about the collector
                deliveryLog.attemptFailed(status, error, cause, body.events());
            }
            if (!RetryPolicy.isRetriable(status)) {
                giveUp(DeliveryFailure.Reason.REJECTED, status, error, null);
                return;
            }
            long now = timer.nanoTime();
            long delay = retry.delayNanos(attempt + 1, retryAfterNanos);
            if (now >= giveUpAt || (retryAfterNanos > 0 && now + retryAfterNanos > giveUpAt)) {
                giveUp(DeliveryFailure.Reason.RETRIES_EXHAUSTED, status, error, cause);
                return;
            }
            counters.retried.incrementAndGet();
            log.debug(
                    "spool: batch of {} events got {}; retry {} in {} ms",
                    body.events(),
                    error,
                    attempt + 1,
                    TimeUnit.NANOSECONDS.toMillis(delay));
            timer.pauseUntil(now + Math.min(delay, giveUpAt - now));
        }
    }

    /** A 2xx: the batch is stored, except any events the collector's body lists as rejected. */
    private void delivered(int status) {
        int events = body.events();
        Rejections rejections = Rejections.parse(responseText);
        int rejected = 0;
        if (!rejections.indexes.isEmpty()) {
            List<String> all = body.messageIds();
            List<String> ids = new ArrayList<>();
            for (int index : rejections.indexes) {
                if (index < all.size()) {
                    ids.add(all.get(index));
                    failedInBody(index, index + 1); // before settled(): flush(timeout) answers false
                }
            }
            rejected = ids.size();
            counters.failed.addAndGet(rejected);
            deliveryLog.rejectedInBatch(rejected, events, rejections.firstError);
            try {
                listener.onFailed(new DeliveryFailure(
                        DeliveryFailure.Reason.REJECTED,
                        ids,
                        status,
                        "the collector rejected " + rejected + " events; first: " + rejections.firstError,
                        null));
            } catch (RuntimeException e) {
                log.warn("spool: DeliveryListener.onFailed threw {}", e.toString());
            }
        }
        counters.sent.addAndGet(events - rejected);
        counters.bytesSent.addAndGet(body.wireSize());
        deliveryLog.delivered();
        try {
            listener.onDelivered(events - rejected);
        } catch (RuntimeException e) {
            log.warn("spool: DeliveryListener.onDelivered threw {}", e.toString());
        }
    }

    /** One HTTP attempt: the status, or 0 for an I/O error; sets {@link #error}, {@link #retryAfterNanos}. */
    private int post() {
        retryAfterNanos = -1;
        responseText = "";
        error = null;
        cause = null;
        Request.Builder builder = new Request.Builder()
                .url(url)
                .header("Authorization", authorization)
                .header("User-Agent", userAgent);
        if (body.gzipped()) {
            builder.header("Content-Encoding", "gzip");
        }
        Request request =
                builder.post(new BytesBody(body.wire(), body.wireSize())).build();
        Call call = calls.newCall(request);
        if (callDeadlines) {
            call.timeout().timeout(callTimeoutNanos(body.wireSize()), TimeUnit.NANOSECONDS);
        }
        inFlight = call;
        try {
            if (buffer.closeDeadlinePassed()) {
                call.cancel();
            }
            try (Response response = call.execute()) {
                int status = response.code();
                ResponseBody responseBody = response.body();
                String text = responseBody == null ? "" : responseBody.string();
                responseText = text;
                if (status < 200 || status >= 300) {
                    retryAfterNanos =
                            RetryPolicy.parseRetryAfter(response.header("Retry-After"), System.currentTimeMillis());
                    error = "HTTP " + status + (text.isEmpty() ? "" : " " + abbreviate(text));
                }
                return status;
            }
        } catch (IOException e) {
            cause = e;
            error = e.toString();
            return 0;
        } finally {
            inFlight = null;
        }
    }

    /** The deadline of one call sending {@code wireBytes}: see {@link #CALL_TIMEOUT_BASE_NANOS}. */
    static long callTimeoutNanos(int wireBytes) {
        return CALL_TIMEOUT_BASE_NANOS + wireBytes * (TimeUnit.SECONDS.toNanos(1) / SLOWEST_UPLOAD_BYTES_PER_SECOND);
    }

    private void giveUp(DeliveryFailure.Reason reason, int status, String message, Throwable cause) {
        int events = body.events();
        DeliveryFailure failure = new DeliveryFailure(reason, body.messageIds(), status, message, cause);
        counters.failed.addAndGet(events);
        failedInBody(0, events);
        // counted into DeliveryLog's lines (and close()'s), not one line per batch: an outage gives up many
        deliveryLog.gaveUp(reason, events);
        log.debug(
                "spool: gave up on a batch of {} events ({}{}): {}",
                events,
                reason,
                status == 0 ? "" : ", HTTP " + status,
                message);
        try {
            listener.onFailed(failure);
        } catch (RuntimeException e) {
            log.warn("spool: DeliveryListener.onFailed threw {}", e.toString());
        }
    }

    /** Ends the request in flight, if any (close() at its deadline): the sender then gives the batch up. */
    public void cancelInFlight() {
        Call call = inFlight;
        if (call != null) {
            call.cancel();
        }
    }

    public boolean awaitDone(long timeoutNanos) throws InterruptedException {
        return done.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }
}
