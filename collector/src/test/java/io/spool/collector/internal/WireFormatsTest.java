package io.spool.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The hand-written readers of the hot path against the JDK's own. */
class WireFormatsTest {
    @Test
    void timestampsInTheShapesClientsSend() {
        assertThat(Timestamps.parse("2026-03-01T12:00:00Z"))
                .isEqualTo(Instant.parse("2026-03-01T12:00:00Z").toEpochMilli());
        assertThat(Timestamps.parse("2026-03-01T12:00:00.123Z"))
                .isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z").toEpochMilli());
        assertThat(Timestamps.parse("2026-03-01T12:00:00.1+00:00"))
                .isEqualTo(Instant.parse("2026-03-01T12:00:00.100Z").toEpochMilli());
        assertThat(Timestamps.parse("2026-03-01T12:00:00.123456+00:00"))
                .isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z").toEpochMilli());
        assertThat(Timestamps.parse("2026-03-01T14:30:00-02:30"))
                .isEqualTo(Instant.parse("2026-03-01T17:00:00Z").toEpochMilli());
        assertThat(Timestamps.parse("2024-02-29T00:00:00Z"))
                .isEqualTo(Instant.parse("2024-02-29T00:00:00Z").toEpochMilli());
        assertThat(Timestamps.parse("1969-12-31T23:59:59.999Z")).isEqualTo(-1);
        assertThat(Timestamps.parse("2026-03-01T12:00:00"))
                .as("no zone reads as UTC")
                .isEqualTo(Instant.parse("2026-03-01T12:00:00Z").toEpochMilli());
        assertThat(Timestamps.parse("2026-03-01T12:00:00+0100"))
                .as("+hhmm offset")
                .isEqualTo(Instant.parse("2026-03-01T11:00:00Z").toEpochMilli());
        assertThat(Timestamps.parse("2026-03-01"))
                .isEqualTo(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void invalidTimestampsAreRefused() {
        for (String bad : new String[] {
            "",
            "yesterday",
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-01T25:00:00Z",
            "2026-03-01T12:00:00Zjunk",
            "1709294400000"
        }) {
            assertThat(Timestamps.parse(bad)).as(bad).isEqualTo(Timestamps.INVALID);
        }
    }

    @Test
    void utf8CheckAgreesWithTheJdkDecoder() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(12)];
            random.nextBytes(b);
            boolean jdk;
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
                jdk = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdk = false;
            }
            assertThat(Utf8.firstInvalid(b, 0, b.length) < 0)
                    .as(java.util.Arrays.toString(b))
                    .isEqualTo(jdk);
        }
        byte[] text = "plain ascii, é, 日本, 🎉".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.firstInvalid(text, 0, text.length)).isEqualTo(-1);
    }

    @Test
    void gunzipReadsConcatenatedMembersAndStopsAtTheBound() throws Exception {
        byte[] twoMembers = concat(gzip("hello ".getBytes()), gzip("world".getBytes()));
        BoundedGunzip gunzip = new BoundedGunzip();

        gunzip.inflate(twoMembers, 1000);

        assertThat(new String(gunzip.array(), 0, gunzip.length(), StandardCharsets.UTF_8))
                .isEqualTo("hello world");
        assertThatThrownBy(() -> gunzip.inflate(gzip(new byte[200_000]), 100_000))
                .isInstanceOf(BoundedGunzip.TooLargeException.class);
        gunzip.inflate(gzip(new byte[100_000]), 100_000);
        assertThat(gunzip.length()).isEqualTo(100_000);
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
