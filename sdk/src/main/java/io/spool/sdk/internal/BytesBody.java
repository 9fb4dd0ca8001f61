package io.spool.sdk.internal;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A request body over the sender's reused body array (the gzip, or the JSON when sent plain). Safe because the sender waits for each call to
 * end (OkHttp's own retries included) before it touches the array again.
 */
final class BytesBody extends RequestBody {
    private static final MediaType JSON = MediaType.parse("application/json; charset=utf-8");

    private final byte[] bytes;
    private final int length;

    BytesBody(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    @Override
    public MediaType contentType() {
        return JSON;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        sink.write(bytes, 0, length);
    }
}
