package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spool.collector.TestCollector.Reply;
import io.spool.collector.TestCollector.Stored;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The collector's own JSON reader (which replaced Jackson's parser on the request path) is exactly as
 * strict as JSON: what a JSON parser refuses anywhere in a body, even inside an object the collector
 * stores without looking into, gets a 400 and stores nothing; what JSON allows (escapes, numbers in all
 * their forms, deep nesting, any white space, a byte order mark) is stored as sent.
 */
class JsonStrictnessTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    TestCollector c;

    @BeforeEach
    void start() {
        c = new TestCollector(dir);
    }

    @AfterEach
    void stop() {
        c.close();
    }

    /** Each is valid JSON but for one mistake, inside an event's {@code properties}. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"n\":01}",
                "{\"n\":1.}",
                "{\"n\":.5}",
                "{\"n\":+1}",
                "{\"n\":1e}",
                "{\"n\":-}",
                "{\"n\":NaN}",
                "{\"n\":tru}",
                "{\"n\":nullx}",
                "{\"n\":True}",
                "{\"a\":1,}",
                "{\"a\":[1,]}",
                "{\"a\":[,1]}",
                "{,}",
                "{\"a\" 1}",
                "{\"a\":1 \"b\":2}",
                "{a:1}",
                "{'a':1}",
                "{\"a\":\"x\\q\"}",
                "{\"a\":\"\\u12G4\"}",
                "{\"a\":\"tab\there\"}",
                "{\"a\":1}}",
                "{\"a\":[1}",
                "{\"a\":1 // comment\n}",
                "{\"a\":\"unterminated}",
                // half a surrogate pair in a name (found by the fuzzer: Jackson and the lake's readers refuse it)
                "{\"use\\ud83d\":\"old\"}",
                "{\"\\ude80x\" : 1}",
                "{\"\\ud83d\\u0041\":1}",
            })
    void aMistakeAnywhereIs400AndNothingIsStored(String properties) {
        String body =
                "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":" + properties + "}]}";

        Reply reply = c.post("/v1/batch", body);

        assertThat(reply.status()).as(body).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).as(body).startsWith("malformed JSON at line 1, column ");
        assertThat(c.events()).isEmpty();
        assertThat(c.deadLetters()).isEmpty();
    }

    @Test
    void halfASurrogatePairInAValueIsTakenAsJacksonTakesIt() {
        Reply reply = c.post(
                "/v1/track",
                "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"s\":\"\\ud83d\"," + "\"pair\\ud83d\\ude80\":1}}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(c.events()).hasSize(1);
    }

    @Test
    void whatJsonAllowsIsStoredAsSent() throws Exception {
        String properties = "{ \"n\" : [0, -0, 12.5e-3, 1E+9, -7, true, false, null, {}, [], [[{\"x\":[]}]]],\r\n"
                + "\t\"s\":\"quote \\\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude80 é 🚀\","
                + " \"deep\":" + "[".repeat(900) + "]".repeat(900) + " }";
        String body = "\uFEFF {\n \"batch\" : [ {\"type\":\"track\", \"userId\" : 42, \"anonymousId\":\"\","
                + "\"\\u0065vent\":\"Caf\\u00e9 \\\"open\\\"\", \"properties\":" + properties
                + "} ] ,\n\"extra\":{\"k\":[1,2]} }\n";

        Reply reply = c.post("/v1/batch", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<Stored> events = c.events();
        assertThat(events).hasSize(1);
        Stored e = events.get(0);
        assertThat(e.userId()).isEqualTo("42"); // numeric ids are ids all the same
        assertThat(e.anonymousId()).isNull(); // an empty id is no id
        assertThat(e.event()).isEqualTo("Café \"open\""); // an escaped field name still names the field
        assertThat(e.properties()).isEqualTo(MAPPER.readTree(properties));
        assertThat(e.properties().get("s").asText()).isEqualTo("quote \" backslash \\ slash / \b\f\n\r\t é 🚀 é 🚀");
    }

    @Test
    void nestingPastJsonParsersLimitIs400() {
        String body = "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"x\":"
                + "[".repeat(1001) + "]".repeat(1001) + "}}]}";

        Reply reply = c.post("/v1/batch", body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).contains("nesting depth");
        assertThat(c.events()).isEmpty();
    }

    @Test
    void aBodyOfUtf16IsRefusedAsSuch() {
        byte[] utf16 = "{\"batch\":[]}".getBytes(StandardCharsets.UTF_16LE);

        Reply reply = c.send(java.net.http.HttpRequest.newBuilder(c.uri("/v1/batch"))
                .header("Authorization", TestCollector.basic(TestCollector.KEY))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(utf16)));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).startsWith("body is not JSON in UTF-8");
    }
}
