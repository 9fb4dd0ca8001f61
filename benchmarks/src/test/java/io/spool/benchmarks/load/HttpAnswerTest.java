package io.spool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The answer parser, fed whole and one byte at a time (an event loop gets whatever the socket has). */
class HttpAnswerTest {
    @Test
    void aContentLengthAnswerEndsAtItsLengthAndLeavesTheNextBytes() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length:  16 \r\n\r\n"
                + "{\"success\":true}";
        for (int piece : new int[] {1, 7, 4096}) {
            HttpAnswer a = new HttpAnswer();
            byte[] bytes = (answer + "HTTP/1.1 500").getBytes(StandardCharsets.US_ASCII);
            int taken = feed(a, bytes, piece);
            assertThat(a.complete()).as("pieces of %d", piece).isTrue();
            assertThat(taken).isEqualTo(answer.length());
            assertThat(a.status).isEqualTo(200);
            assertThat(a.rejected()).isFalse();
            assertThat(a.close).isFalse();
            assertThat(a.body()).isEqualTo("{\"success\":true}");
        }
    }

    @Test
    void aChunkedAnswerWithExtensionsAndTrailersIsReadWholeAndARejectedSplitOverChunksIsFound() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "14;name=value\r\n{\"success\":true,\"rej\r\n"
                + "1A\r\nected\":[{\"index\":0}]}     \r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n";
        for (int piece : new int[] {1, 3, 4096}) {
            HttpAnswer a = new HttpAnswer();
            int taken = feed(a, answer.getBytes(StandardCharsets.US_ASCII), piece);
            assertThat(a.complete()).as("pieces of %d", piece).isTrue();
            assertThat(taken).isEqualTo(answer.length());
            assertThat(a.rejected()).isTrue();
            assertThat(a.body()).isEqualTo("{\"success\":true,\"rejected\":[{\"index\":0}]}     ");
        }
    }

    @Test
    void withoutALengthTheBodyEndsWithTheConnection() throws Exception {
        HttpAnswer a = new HttpAnswer();
        byte[] bytes = "HTTP/1.0 503 Service Unavailable\r\n\r\njournal full".getBytes(StandardCharsets.US_ASCII);
        assertThat(a.feed(bytes, 0, bytes.length)).isEqualTo(bytes.length);
        assertThat(a.complete()).isFalse();
        a.endOfStream();
        assertThat(a.complete()).isTrue();
        assertThat(a.status).isEqualTo(503);
        assertThat(a.close).isTrue();
        assertThat(a.body()).isEqualTo("journal full");

        HttpAnswer cut = new HttpAnswer();
        byte[] half = "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n{\"succ".getBytes(StandardCharsets.US_ASCII);
        cut.feed(half, 0, half.length);
        assertThatThrownBy(cut::endOfStream).isInstanceOf(EOFException.class);
    }

    @Test
    void anInterimAnswerIsSkippedAndConnectionCloseIsNoted() throws Exception {
        HttpAnswer a = new HttpAnswer();
        byte[] bytes = ("HTTP/1.1 100 Continue\r\n\r\n" + "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(feed(a, bytes, 5)).isEqualTo(bytes.length);
        assertThat(a.complete()).isTrue();
        assertThat(a.status).isEqualTo(204);
        assertThat(a.close).isTrue();
    }

    @Test
    void whatIsNotHttpIsAMalformedAnswer() {
        for (String bad : new String[] {
            "SSH-2.0-OpenSSH\r\n",
            "HTTP/1.1 2x0 OK\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n"
        }) {
            HttpAnswer a = new HttpAnswer();
            byte[] bytes = bad.getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> a.feed(bytes, 0, bytes.length))
                    .as(bad)
                    .isInstanceOf(HttpAnswer.MalformedAnswerException.class);
        }
        HttpAnswer endless = new HttpAnswer();
        byte[] line = new byte[HttpAnswer.MAX_LINE + 1];
        java.util.Arrays.fill(line, (byte) 'a');
        assertThatThrownBy(() -> endless.feed(line, 0, line.length))
                .isInstanceOf(HttpAnswer.MalformedAnswerException.class)
                .hasMessageContaining("longer than");
    }

    /** Feeds {@code bytes} in pieces until the answer is complete; returns the bytes it took. */
    private static int feed(HttpAnswer a, byte[] bytes, int piece) throws Exception {
        int at = 0;
        while (at < bytes.length && !a.complete()) {
            int to = Math.min(bytes.length, at + piece);
            int taken = a.feed(bytes, at, to);
            at += taken;
            if (taken < to - (at - taken)) {
                break;
            }
        }
        return at;
    }
}
