package io.spool.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build() refuses bad settings and names the bad value. */
class CollectorBuilderTest {
    @TempDir
    Path dir;

    private Collector.Builder valid() {
        return Collector.builder().journalDir(dir.resolve("j")).writeKey("k");
    }

    @Test
    void refusesToBuildWithoutAWriteKeyUnlessAnonymousIsAllowed() {
        assertThatThrownBy(() -> Collector.builder().journalDir(dir).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no write key configured");
        Collector open = Collector.builder().journalDir(dir.resolve("open")).allowAnonymous(true).port(0).build();
        open.close();
    }

    @Test
    void namesTheBadValue() {
        assertThatThrownBy(() -> valid().port(70_000).build()).hasMessageContaining("port 70000");
        assertThatThrownBy(() -> valid().maxEventBytes(0).build()).hasMessageContaining("maxEventBytes 0");
        assertThatThrownBy(() -> valid().maxEventBytes(1000).maxRequestBytes(500).build())
                .hasMessageContaining("maxEventBytes 1000");
        assertThatThrownBy(() -> valid().rateLimit(-1).build()).hasMessageContaining("rateLimit -1.0");
        assertThatThrownBy(() -> valid().workerThreads(0).build()).hasMessageContaining("workerThreads 0");
        assertThatThrownBy(() -> valid().readTimeout(Duration.ZERO).build()).hasMessageContaining("readTimeout PT0S");
        assertThatThrownBy(() -> valid().writeKey("a:b").build()).hasMessageContaining("\"a:b\"");
        assertThatThrownBy(() -> valid().maxConnections(0).build()).hasMessageContaining("maxConnections 0");
        assertThatThrownBy(() -> valid().maxHeaderBytes(512).build()).hasMessageContaining("maxHeaderBytes 512");
        assertThatThrownBy(() -> Collector.builder().writeKey("k").build()).hasMessageContaining("no journal");
    }

    @Test
    void aPortInUseFailsAtStartWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Collector collector = valid().host("127.0.0.1").port(taken.getLocalPort()).build();
            assertThatThrownBy(collector::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
