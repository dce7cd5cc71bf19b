package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.EventProducer;
import dev.outboxpipeline.projector.Events;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.TestPipeline;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium while a short load runs: each chart must show data.
 * Debian's {@code chromium} and {@code /usr/bin/chromedriver} are used as installed; Selenium is
 * given both paths, so it downloads nothing. The screenshot goes to {@code target/dashboard.png}.
 */
class DashboardBrowserIT {

    private static final long MINUTE = 60_000;
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    @Test
    void theDashboardDrawsTheWindowsOfAShortLoad() throws Exception {
        TestPipeline p = TestPipeline.create("dashboard", SharedServers.postgres(), SharedServers.kafka());
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            customers.add(Events.newId());
        }
        Random random = new Random(5);
        AtomicBoolean loading = new AtomicBoolean(true);
        try (EventProducer producer = new EventProducer(SharedServers.kafka().bootstrapServers());
             Projector projector = Projector.start(p.settings().withAnalytics(AnalyticsSettings.defaults()), ServiceHttp.newRegistry())) {
            // ten minutes of history, then a live load while the browser watches
            long now = System.currentTimeMillis();
            List<ProducerRecord<String, byte[]>> history = new ArrayList<>();
            String[] names = {"Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
                    "Donald Knuth", "Frances Allen", "John Backus"};
            for (int i = 0; i < customers.size(); i++) {
                String c = customers.get(i);
                history.add(new ProducerRecord<>(p.topics().customerEvents(), null, null, c,
                        Events.customer(c, names[i], "c" + i + "@example.com", 1), Events.headers("CustomerCreated", 1, now - 11 * MINUTE)));
            }
            for (long ts = now - 10 * MINUTE; ts < now; ts += 150 + random.nextInt(300)) {
                history.add(placed(p, customers.get(random.nextInt(customers.size())), ts, 1 + random.nextInt(4)));
            }
            producer.send(history);
            Thread load = new Thread(() -> {
                while (loading.get()) {
                    producer.send(List.of(placed(p, customers.get(random.nextInt(customers.size())), System.currentTimeMillis(), 1 + random.nextInt(4))));
                    await().pollDelay(Duration.ofMillis(100)).until(() -> true);
                }
            }, "dashboard-load");
            load.start();

            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
            ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                    .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900");
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                browser.get("http://127.0.0.1:" + projector.port() + "/dashboard");
                JavascriptExecutor js = browser;
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptionsInstanceOf(org.openqa.selenium.JavascriptException.class).untilAsserted(() -> {
                    for (String chart : List.of("perMinute", "moving", "top")) {
                        Object points = js.executeScript("return Chart.getChart('" + chart + "').data.datasets[0].data.length");
                        assertThat(((Number) points).intValue()).as(chart).isGreaterThan(chart.equals("top") ? 0 : 5);
                    }
                    Object finals = js.executeScript("return Chart.getChart('perMinute').data.datasets[0].backgroundColor"
                            + ".filter(c => c === '#3b82f6').length");
                    assertThat(((Number) finals).intValue()).as("final minute windows").isGreaterThan(3);
                    Object lag = js.executeScript("return Chart.getChart('lag').data.datasets[0].data.filter(v => v !== null).length");
                    assertThat(((Number) lag).intValue()).as("lag samples").isGreaterThan(2);
                });
                assertThat(browser.findElement(org.openqa.selenium.By.id("status")).getText()).startsWith("updated");
                Files.createDirectories(SCREENSHOT.getParent());
                Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
                loading.set(false);
                load.join();
            }
        }
    }

    private static ProducerRecord<String, byte[]> placed(TestPipeline p, String customer, long ts, int quantity) {
        String order = Events.newId();
        return new ProducerRecord<>(p.topics().orderEvents(), null, null, order,
                Events.order(order, customer, "NEW", 1, quantity), Events.headers("OrderPlaced", 1, ts));
    }
}
