package io.spool.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.spool.sdk.Track;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encoder's bytes read back by a real JSON parser (Jackson, as the collector reads them): numbers as
 * the app gave them, text as UTF-8.
 */
class EventEncoderTest {
    private static final JsonFactory JSON = new JsonFactory();
    private final EventEncoder encoder = new EventEncoder(32_000, "test", 42);

    /** Encodes one property and returns its value's JSON text exactly as written. */
    private String encodedProperty(Object value) throws IOException {
        encoder.encode(Track.builder("E").userId("u").property("v", value).build(), 0);
        byte[] bytes = Arrays.copyOf(encoder.array(), encoder.size());
        try (JsonParser p = JSON.createParser(bytes)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && "v".equals(p.currentName())) {
                    p.nextToken();
                    return p.getText(); // a string's value, or a number's text as written
                }
            }
        }
        throw new AssertionError("no property v in " + new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void floatsAreWrittenAsTheFloatNotItsWidenedDouble() throws IOException {
        assertThat(encodedProperty(1.1f)).isEqualTo("1.1");
        assertThat(encodedProperty(0.1f)).isEqualTo("0.1");
        assertThat(encodedProperty(19.99f)).isEqualTo("19.99");
        assertThat(encodedProperty(-2.5f)).isEqualTo("-2.5");
        assertThat(encodedProperty(3.0e10f)).isEqualTo(Float.toString(3.0e10f));
        assertThat(encodedProperty(1.0e-7f)).isEqualTo(Float.toString(1.0e-7f));
    }

    @Test
    void negativeZeroStaysNegative() throws IOException {
        assertThat(encodedProperty(-0.0)).isEqualTo("-0.0");
        assertThat(encodedProperty(-0.0f)).isEqualTo("-0.0");
        assertThat(encodedProperty(0.0)).isEqualTo("0.0");
        assertThat(encodedProperty(0.0f)).isEqualTo("0.0");
    }

    /**
     * Random floats and doubles, price-like ones (a few decimals, the fast path) and any bit pattern (the
     * fallback): each text reads back as the same value, and is the value of Float.toString / Double.toString.
     */
    @Test
    void everyFloatAndDoubleReadsBackAsItselfWithToStringsValue() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            float f = i % 2 == 0
                    ? random.nextInt(-10_000_000, 10_000_000) / 1000f
                    : Float.intBitsToFloat(random.nextInt());
            double d = i % 2 == 0
                    ? random.nextLong(-100_000_000_000L, 100_000_000_000L) / 100.0
                    : Double.longBitsToDouble(random.nextLong());
            if (Float.isFinite(f)) {
                String text = encodedProperty(f);
                assertThat(Float.parseFloat(text))
                        .as("float %s written %s", f, text)
                        .isEqualTo(f);
                assertThat(new BigDecimal(text))
                        .as("float %s written %s", f, text)
                        .isEqualByComparingTo(new BigDecimal(Float.toString(f)));
            }
            if (Double.isFinite(d)) {
                String text = encodedProperty(d);
                assertThat(Double.parseDouble(text))
                        .as("double %s written %s", d, text)
                        .isEqualTo(d);
                assertThat(new BigDecimal(text))
                        .as("double %s written %s", d, text)
                        .isEqualByComparingTo(new BigDecimal(Double.toString(d)));
            }
        }
    }

    @Test
    void textIsUtf8WithCharactersOutsideTheBmpAsTheirOwnBytes() throws IOException {
        String rocket = "launch \uD83D\uDE80 ok";
        encoder.encode(
                Track.builder("E")
                        .userId("u")
                        .property("v", rocket)
                        .property("\uD83D\uDE80", 1)
                        .build(),
                0);
        String written = new String(encoder.array(), 0, encoder.size(), StandardCharsets.UTF_8);
        assertThat(written)
                .contains("\"v\":\"launch 🚀 ok\"")
                .contains("\"🚀\":1")
                .doesNotContain("\\u");
        byte[] utf8 = "🚀".getBytes(StandardCharsets.UTF_8);
        assertThat(indexOf(encoder.array(), encoder.size(), utf8)).isPositive();
        assertThat(encodedProperty(rocket)).isEqualTo(rocket);
        assertThat(encodedProperty("héllo wörld — ✓ 中文")).isEqualTo("héllo wörld — ✓ 中文");
    }

    @Test
    void escapesOnlyWhatJsonNeeds() throws IOException {
        String s = "q\" b\\ nl\n tab\t cr\r nul\u0000 bell\u0007 del\u007f slash/";
        encoder.encode(Track.builder("E").userId("u").property("v", s).build(), 0);
        String written = new String(encoder.array(), 0, encoder.size(), StandardCharsets.UTF_8);
        assertThat(written).contains("\"q\\\" b\\\\ nl\\n tab\\t cr\\r nul\\u0000 bell\\u0007 del\u007f slash/\"");
        assertThat(encodedProperty(s)).isEqualTo(s);
    }

    /** A lone surrogate cannot be UTF-8: it becomes U+FFFD, and the rest of the text and event survive. */
    @Test
    void loneSurrogatesBecomeTheReplacementCharacter() throws IOException {
        assertThat(encodedProperty("a\uD83Db")).isEqualTo("a\uFFFDb");
        assertThat(encodedProperty("a\uDE80b")).isEqualTo("a\uFFFDb");
        assertThat(encodedProperty("end\uD83D")).isEqualTo("end\uFFFD");
        assertThat(encodedProperty("\uDE80\uD83D")).isEqualTo("\uFFFD\uFFFD");
        assertThat(encodedProperty("\uD83D\uD83D\uDE80")).isEqualTo("\uFFFD\uD83D\uDE80");
    }

    @Test
    void floatArraysListsAndNestingReadBackWhole() throws IOException {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("empty", Map.of());
        nested.put("none", List.of());
        nested.put("floats", new float[] {1.1f, -0.0f});
        nested.put("doubles", new double[] {0.1, -0.0});
        List<Object> list = new ArrayList<>();
        list.add(nested);
        list.add(List.of(List.of()));
        encoder.encode(Track.builder("E").userId("u").property("list", list).build(), 0);
        String written = new String(encoder.array(), 0, encoder.size(), StandardCharsets.UTF_8);
        assertThat(written)
                .contains("\"list\":[{\"empty\":{},\"none\":[],\"floats\":[1.1,-0.0],\"doubles\":[0.1,-0.0]},[[]]]");
        try (JsonParser p = JSON.createParser(written)) {
            while (p.nextToken() != null) {
                // parses to the end: the whole event is one well-formed object
            }
        }
    }

    @Test
    void theIdOfEveryEventInABatchIsReadBackFromItsBytes() {
        BatchBody batch = new BatchBody(480_000, true);
        batch.begin();
        String[] ids = {"plain", "with \"quotes\" and \\", "tab\there", "ünï 🚀", null};
        List<String> expected = new ArrayList<>();
        for (String id : ids) {
            encoder.encode(Track.builder("E").userId("u").messageId(id).build(), 0);
            batch.addEvent(encoder.array(), 0, encoder.size(), 0);
            if (id != null) {
                expected.add(id);
            }
        }
        batch.finish(0);
        List<String> read = batch.messageIds();
        assertThat(read.subList(0, 4)).containsExactlyElementsOf(expected);
        assertThat(read.get(4)).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        batch.release();
    }

    private static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
