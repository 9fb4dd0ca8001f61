package io.spool.collector.internal;

import io.spool.journal.BatchEncoder;

/**
 * The collector's per-request CPU work without HTTP or the journal: UTF-8 check, parse, validate,
 * normalize, encode, for {@code CollectorHotPathBenchmark} (what a core can do); not thread safe.
 * Benchmark code, so it lives in the benchmarks module, and not in the collector's jar; in the collector's
 * package, so it drives the package-private parser and finisher as the collector does.
 */
public final class HotPath {
    private final Workspace ws = new Workspace();
    private final RequestParser parser = new RequestParser();
    private final EventFinisher finisher;

    public HotPath(int maxEventBytes) {
        this.finisher = new EventFinisher(parser, maxEventBytes);
    }

    /** Processes one batch body as the collector does and returns the encoded batch (valid until the next call). */
    public BatchEncoder encodeBatch(byte[] body, long receivedAt) {
        if (Utf8.firstInvalid(body, 0, body.length) >= 0) {
            throw new IllegalArgumentException("body is not valid UTF-8");
        }
        ws.reset(body, body.length);
        try {
            parser.parseBatch(ws);
        } catch (RequestParser.BadRequestException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        finisher.finish(ws, receivedAt, "127.0.0.1", "key");
        return ws.events;
    }
}
