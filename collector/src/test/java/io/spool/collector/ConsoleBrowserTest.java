package io.spool.collector;

import static io.spool.collector.TestCollector.KEY;
import static io.spool.collector.TestCollector.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.spool.sdk.Spool;
import io.spool.sdk.Track;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's headless Chromium, installed by {@code .ci/browser.sh}):
 * events tracked through the SDK appear, a filter narrows them, a refused event shows its reason, and
 * a viewer without the key sees nothing. {@code -Dspool.console.screenshot=FILE} saves what it saw.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String OTHER_KEY = "other-key";

    @TempDir
    Path dir;

    private TestCollector collector;
    private WebDriver browser;

    @BeforeEach
    void start() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertThat(installed)
                    .as("CI installs chromium and chromium-driver (.ci/browser.sh)")
                    .isTrue();
        }
        Assumptions.assumeTrue(installed, "no /usr/bin/chromium or /usr/bin/chromedriver: run .ci/browser.sh as root");
        collector =
                new TestCollector(dir, b -> b.writeKey(OTHER_KEY).console(true).workerThreads(4));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1400,1000",
                "--user-data-dir=" + dir.resolve("chromium-profile"));
        // The driver named outright: Selenium then never looks for (or downloads) one of its own.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (collector != null) {
            collector.close();
        }
    }

    private WebDriverWait await() {
        return new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
    }

    private void connect(String key) {
        browser.get(collector.uri("/console").toString());
        WebElement input = browser.findElement(By.id("key"));
        input.clear();
        input.sendKeys(key);
        browser.findElement(By.id("connect")).click();
    }

    private List<String> eventNames() {
        return browser.findElements(By.cssSelector("#events .event .name")).stream()
                .map(WebElement::getText)
                .collect(Collectors.toList());
    }

    @Test
    void eventsTrackedThroughTheSdkAppearFilterAndShowWhyOneWasRefused() throws Exception {
        connect(KEY);
        await().until(b -> b.findElement(By.id("status")).getText().equals("connected"));

        try (Spool mine = Spool.builder(KEY)
                        .endpoint(collector.uri("/").toString())
                        .build();
                Spool theirs = Spool.builder(OTHER_KEY)
                        .endpoint(collector.uri("/").toString())
                        .build()) {
            mine.track(Track.builder("Order Completed")
                    .userId("u1")
                    .properties(Map.of("revenue", 42.5, "currency", "EUR"))
                    .build());
            mine.track(Track.builder("Signup")
                    .userId("u2")
                    .properties(Map.of("plan", "pro"))
                    .build());
            mine.track(Track.builder("Signup")
                    .userId("u3")
                    .properties(Map.of("plan", 3))
                    .build());
            theirs.track(Track.builder("Someone Else's").userId("x").build());
            assertThat(mine.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(theirs.flush(Duration.ofSeconds(20))).isTrue();
        }
        // an event the collector refuses inside a valid batch (a track without its event name)
        assertThat(collector
                        .post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u4\"}]}")
                        .status())
                .isEqualTo(200);

        await().until(b -> eventNames().containsAll(List.of("Order Completed", "Signup")));
        assertThat(eventNames()).doesNotContain("Someone Else's");
        WebElement reason = await().until(b -> b.findElements(By.cssSelector("#dead-letters .letter .reason")).stream()
                .findFirst()
                .orElse(null));
        assertThat(reason.getText()).contains("event");
        // the schema shows plan sent as a string by one caller and as a number by another
        WebElement plan = await().until(b -> b
                .findElements(
                        By.cssSelector("#schema table[data-name='Signup'] tr.property.mixed[data-property='plan']"))
                .stream()
                .findFirst()
                .orElse(null));
        assertThat(plan.getText()).contains("string").contains("number");
        // expanding an event shows it as stored, with the collector's fields
        WebElement first = browser.findElement(By.cssSelector("#events .event"));
        first.click();
        await().until(b -> first.findElement(By.cssSelector("pre")).isDisplayed());
        assertThat(first.findElement(By.cssSelector("pre")).getText())
                .contains("\"receivedAt\"")
                .contains("\"messageId\"");
        // the rate chart's legend names the viewer's series
        await().until(b -> b.findElement(By.id("legend")).getText().contains(KEY + " · track"));
        screenshot();

        browser.findElement(By.id("filter-event")).sendKeys("Signup");
        browser.findElement(By.id("apply")).click();
        await().until(b -> {
            List<String> names = eventNames();
            return names.size() == 2 && names.stream().allMatch("Signup"::equals);
        });
    }

    @Test
    void aViewerWithoutTheKeySeesNothing() {
        assertThat(collector
                        .post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"event\":\"Private\",\"userId\":\"u\"}]}")
                        .status())
                .isEqualTo(200);

        connect("not-a-key");
        await().until(b -> b.findElement(By.id("status")).getText().startsWith("refused (401)"));
        assertThat(eventNames()).isEmpty();

        connect(OTHER_KEY);
        await().until(b -> b.findElement(By.id("status")).getText().equals("connected"));
        assertThat(collector
                        .send(java.net.http.HttpRequest.newBuilder(collector.uri("/v1/batch"))
                                .header("Authorization", basic(OTHER_KEY))
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"batch\":[{\"type\":\"track\",\"event\":\"Theirs\",\"userId\":\"u\"}]}")))
                        .status())
                .isEqualTo(200);
        await().until(b -> eventNames().contains("Theirs"));
        assertThat(eventNames()).doesNotContain("Private");
    }

    private void screenshot() throws Exception {
        Path shot = ((org.openqa.selenium.TakesScreenshot) browser)
                .getScreenshotAs(OutputType.FILE)
                .toPath();
        String target = System.getProperty("spool.console.screenshot");
        if (target != null && !target.isBlank()) {
            Files.copy(shot, Path.of(target), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
