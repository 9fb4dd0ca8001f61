package io.spool.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;

/**
 * A MockWebServer playing the collector: answers from a script of responses (then 200), and keeps every
 * request with its body inflated and parsed, the way the collector would read it.
 */
final class CollectorStub implements AutoCloseable {
    /** One request as the collector saw it. */
    static final class Received {
        final String method;
        final String path;
        final Headers headers;
        final byte[] json;
        final Map<String, Object> body;

        Received(String method, String path, Headers headers, byte[] json, Map<String, Object> body) {
            this.method = method;
            this.path = path;
            this.headers = headers;
            this.json = json;
            this.body = body;
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events() {
            return (List<Map<String, Object>>) body.get("batch");
        }

        List<String> messageIds() {
            List<String> ids = new ArrayList<>();
            for (Map<String, Object> e : events()) {
                ids.add((String) e.get("messageId"));
            }
            return ids;
        }
    }

    /** The collector's side: records each request, answers from the script, or stalls. */
    static final class Recorder extends Dispatcher {
        final List<Received> requests = new CopyOnWriteArrayList<>();
        private final Deque<MockResponse> script = new ArrayDeque<>();
        private volatile Function<Received, MockResponse> answer = r -> ok();
        private volatile CountDownLatch stall;

        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            CountDownLatch s = stall;
            if (s != null) {
                s.await();
            }
            byte[] raw =
                    request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
            byte[] json = "gzip".equals(request.getHeaders().get("Content-Encoding")) ? gunzip(raw) : raw;
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) Json.parse(json);
            Received received =
                    new Received(request.getMethod(), request.getUrl().encodedPath(), request.getHeaders(), json, body);
            requests.add(received);
            synchronized (script) {
                MockResponse next = script.poll();
                if (next != null) {
                    return next;
                }
            }
            return answer.apply(received);
        }

        List<Map<String, Object>> events() {
            List<Map<String, Object>> events = new ArrayList<>();
            for (Received r : requests) {
                events.addAll(r.events());
            }
            return events;
        }
    }

    final MockWebServer server = new MockWebServer();
    final Recorder recorder = new Recorder();
    final List<Received> requests = recorder.requests;

    CollectorStub() throws IOException {
        server.setDispatcher(recorder);
        server.setServerSocketFactory(new NoDelayServerSockets());
        server.start();
    }

    String endpoint() {
        return server.url("/").toString();
    }

    static MockResponse ok() {
        return new MockResponse.Builder().code(200).body("{\"success\":true}").build();
    }

    static MockResponse status(int code) {
        return new MockResponse.Builder()
                .code(code)
                .body("{\"success\":false,\"error\":\"status " + code + "\"}")
                .build();
    }

    /** Answers these, in order, before going back to the default answer. */
    CollectorStub thenAnswer(MockResponse... responses) {
        synchronized (recorder.script) {
            recorder.script.addAll(List.of(responses));
        }
        return this;
    }

    CollectorStub answerAlways(Function<Received, MockResponse> answer) {
        recorder.answer = answer;
        return this;
    }

    /** Holds every request until the returned latch is released. */
    CountDownLatch stall() {
        CountDownLatch latch = new CountDownLatch(1);
        recorder.stall = latch;
        return latch;
    }

    List<Map<String, Object>> allEvents() {
        return recorder.events();
    }

    List<String> allMessageIds() {
        List<String> ids = new ArrayList<>();
        for (Received r : requests) {
            ids.addAll(r.messageIds());
        }
        return ids;
    }

    int eventCount() {
        int n = 0;
        for (Received r : requests) {
            n += r.events().size();
        }
        return n;
    }

    private static byte[] gunzip(byte[] gz) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("request body is not gzip", e);
        }
    }

    @Override
    public void close() throws IOException {
        CountDownLatch s = recorder.stall;
        if (s != null) {
            s.countDown();
        }
        server.close();
    }
}
