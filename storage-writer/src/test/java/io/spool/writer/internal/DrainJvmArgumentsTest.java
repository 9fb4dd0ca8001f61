package io.spool.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The drain's child JVM gets the parent's options; the parent reads them without the management bean
 * (slow to load), and must read the same list the bean gives, in the same order.
 */
class DrainJvmArgumentsTest {
    @Test
    void theOptionsAreTheOnesTheManagementBeanGives() {
        assertThat(DrainRelaunch.jvmArguments())
                .isNotEmpty() // surefire's argLine
                .containsExactlyElementsOf(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
}
