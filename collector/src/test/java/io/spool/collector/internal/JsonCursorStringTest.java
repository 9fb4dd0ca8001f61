package io.spool.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonCursor#string()} finds a string's end, escapes and control characters wherever they sit
 * (every offset of an eight-byte word, for a scan that reads words), decodes multi-byte UTF-8 in every
 * alignment, and refuses a string that runs off the end of the body even when the array holds a quote
 * past it.
 */
class JsonCursorStringTest {
    private static final String PLAIN = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";

    @Test
    void theClosingQuoteIsFoundAtEveryOffsetOfAWord() throws Exception {
        for (int offset = 0; offset < 9; offset++) {
            for (int length = 0; length <= 40; length++) {
                String content = PLAIN.substring(0, length);
                JsonCursor c = cursor(offset, "\"" + content + "\",1");
                c.string();
                assertThat(c.text()).as("offset %d, length %d", offset, length).isEqualTo(content);
                assertThat(c.escaped).isFalse();
                assertThat(c.peek()).isEqualTo(',');
            }
        }
    }

    @Test
    void anEscapeIsDecodedAtEveryPosition() throws Exception {
        for (int at = 0; at <= 20; at++) {
            String content = PLAIN.substring(0, at) + "\\\"" + PLAIN.substring(at, 20) + "\\\\";
            JsonCursor c = cursor(3, "\"" + content + "\"");
            c.string();
            assertThat(c.escaped).isTrue();
            assertThat(c.text()).isEqualTo(PLAIN.substring(0, at) + "\"" + PLAIN.substring(at, 20) + "\\");
        }
    }

    @Test
    void aControlCharacterIsRefusedAtEveryPosition() {
        for (int at = 0; at <= 20; at++) {
            for (char control : new char[] {'\n', '\t', 0, 0x1f}) {
                String content = PLAIN.substring(0, at) + control + PLAIN.substring(at, 20);
                JsonCursor c = cursor(1, "\"" + content + "\"");
                assertThatThrownBy(c::string)
                        .as("a control character %d at %d", (int) control, at)
                        .isInstanceOf(JsonCursor.MalformedException.class)
                        .hasMessageContaining("control character");
            }
        }
    }

    @Test
    void multiByteCharactersAndHighBytesArePlainBytes() throws Exception {
        String content = "é🚀 ÿ€ 日本語 " + PLAIN.substring(0, 9) + "\u007f";
        for (int offset = 0; offset < 9; offset++) {
            JsonCursor c = cursor(offset, "\"" + content + "\"");
            c.string();
            assertThat(c.text()).isEqualTo(content);
        }
    }

    @Test
    void aStringThatRunsOffTheEndOfTheBodyIsRefused() {
        for (int length = 0; length <= 24; length++) {
            // the array holds a quote right after the body's end: the scan must stop at the end, not there
            byte[] body = ("\"" + PLAIN.substring(0, length) + "\"\"\"\"\"\"\"\"\"").getBytes(StandardCharsets.UTF_8);
            JsonCursor c = new JsonCursor().reset(body, 0, 1 + length);
            assertThatThrownBy(c::string)
                    .as("length %d", length)
                    .isInstanceOf(JsonCursor.MalformedException.class)
                    .hasMessageContaining("end of input");
        }
    }

    /** A cursor over {@code json} placed {@code offset} bytes into a larger array, with junk around it. */
    private static JsonCursor cursor(int offset, String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        byte[] array = new byte[offset + text.length + 16];
        java.util.Arrays.fill(array, (byte) '"');
        System.arraycopy(text, 0, array, offset, text.length);
        return new JsonCursor().reset(array, offset, offset + text.length);
    }
}
