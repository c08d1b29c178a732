package id.ektp.hub.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import id.ektp.hub.observe.BuildInfo;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.SshKeys;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestDevice;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page in a real headless browser (Debian's chromium, driven by Selenium through
 * Debian's chromedriver) against a hub with real SFTP peers: it loads, shows the configured
 * devices and the blank stock, and a device whose SSH server stops shows as down in the first
 * refresh of the page after the hub knows it. Skipped, saying so, where chromium or
 * chromedriver is not installed ({@code .ci/run} installs both).
 */
class StatusPageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The page's refresh for this test ({@code /?refresh=2}); the page's default is 10 s. */
    static final Duration REFRESH = Duration.ofSeconds(2);
    static final Duration PATIENCE = Duration.ofSeconds(30);
    /**
     * Only the WebDriver protocol is used; Selenium's note that it has no CDP bindings for this
     * chromium version is noise here. Held here: java.util.logging keeps loggers weakly.
     */
    static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

    @TempDir
    Path root;
    @TempDir
    Path profile;
    HubTestEnvironment env;
    EmbeddedSftpServer wedi;
    ChromeDriver browser;

    @BeforeEach
    void needsABrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "status page browser test skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " is not installed"
                        + " (apt-get install chromium chromium-driver; .ci/run does)");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (wedi != null) {
            wedi.close();
        }
        if (env != null) {
            env.close();
        }
    }

    static ChromeDriver chromium(Path profile) {
        QUIET.forEach(logger -> logger.setLevel(java.util.logging.Level.OFF));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,1600");
        // The driver named explicitly: Selenium Manager is never asked to find (or fetch) one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /*
     * The page rebuilds its device rows and summary tiles on every refresh, so an element found a
     * moment ago may be gone by the time it is read (CI once failed on exactly that, a
     * StaleElementReferenceException). Rebuilt elements are therefore read in one script, which
     * runs between two of the page's renderings, never across one.
     */

    /** The text of the first element matching {@code css}, or null when there is none yet. */
    String text(String css) {
        return (String) browser.executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    }

    /** An attribute of the first element matching {@code css}, or null when there is none yet. */
    String attribute(String css, String name) {
        return (String) browser.executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
    }

    static String row(String deviceKey) {
        return "#device-rows tr[data-device='" + deviceKey + "']";
    }

    /** The hub's time of the data the page shows ({@code /api/status}'s {@code at}). */
    Instant renderedAt() {
        String at = attribute("body", "data-at");
        return at == null ? Instant.MIN : java.time.OffsetDateTime.parse(at).toInstant();
    }

    String state(String deviceKey) {
        return attribute(row(deviceKey), "data-state");
    }

    @Test
    void showsTheDevicesAndStockAndADeviceGoingDownWithinOneRefresh() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        // A third device on an SSH server of its own, so that it alone can be stopped.
        wedi = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                .hostKeyFile(root.resolve("secrets/wedi_host_key")).start();
        wedi.writeKnownHosts(root.resolve("secrets/known_hosts"));
        env.addDevice(TestDevice.at("33.10.14", "WDR01", wedi.port(), "5s").withNeighbours("33.10.05"));
        wedi.addAccount("wdr01", env.deviceHome("WDR01"),
                SshKeys.readPublicKey(SshKeys.publicKeyFile(root.resolve("secrets/hub_key"))));
        env.withBroker();
        Hub hub = env.startHub();
        hub.ledger().announce(new Allocation("ALLOC-7", 120, "BLK2026A0000001", "BLK2026A0000120",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
        hub.stock().confirmArrival("ALLOC-7", 120);

        browser = chromium(profile);
        browser.get("http://127.0.0.1:" + env.httpPort() + "/?refresh=" + REFRESH.toSeconds());

        List<String> devices = List.of("331005-CWS01", "331006-TRC01", "331014-WDR01");
        await().atMost(PATIENCE).until(() -> devices.stream().allMatch(d -> "UP".equals(state(d))));
        String cws01 = text(row("331005-CWS01"));
        assertTrue(cws01.contains("Device CWS01"), cws01);
        assertTrue(cws01.contains("33.10.05"), cws01);
        assertTrue(text(row("331014-WDR01")).contains("TERHUBUNG"), "up is said in words, not colour alone");
        assertEquals("120", browser.findElement(By.id("stock-onhand")).getText());
        assertTrue(text("#summary-stock").contains("120"), text("#summary-stock"));
        assertEquals("OK", browser.findElement(By.id("stock-cover-tile")).getAttribute("data-level"));
        assertTrue(browser.findElement(By.cssSelector("#arrival-rows")).getText().contains("Tidak ada"),
                "the one allocation arrived: nothing awaited");
        assertTrue(browser.findElement(By.id("updated-at")).getText().matches("\\d{2}:\\d{2}:\\d{2} WIB"),
                browser.findElement(By.id("updated-at")).getText());
        assertTrue(!browser.findElement(By.id("offline")).isDisplayed());
        assertTrue(!browser.findElement(By.id("config-error")).isDisplayed());

        wedi.stop();
        long stopped = System.nanoTime();
        // "Within one refresh", without the wall clock (a loaded machine stretches every step):
        // once the hub knows the device is down, the first rendering of data fetched after that
        // must already show it. The time taken is printed, not asserted.
        await().atMost(PATIENCE).until(() -> hub.deviceLinks().link("331014-WDR01").map(l -> !l.up()).orElse(false));
        Instant down = hub.deviceLinks().link("331014-WDR01").orElseThrow().since();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> renderedAt().isAfter(down));
        @SuppressWarnings("unchecked")
        List<String> rendering = (List<String>) browser.executeScript(
                "var r = document.querySelector(\"" + row("331014-WDR01") + "\");"
                        + " return [document.body.getAttribute('data-at'), r ? r.getAttribute('data-state') : null];");
        assertEquals("DOWN", rendering.get(1), "the first rendering after the device went down, at " + rendering.get(0));
        System.out.printf("WDR01 shown down %d ms after its server stopped%n", (System.nanoTime() - stopped) / 1_000_000);
        @SuppressWarnings("unchecked")
        List<String> first = (List<String>) browser.executeScript(
                "var r = document.querySelector('#device-rows tr');"
                        + " return [r.getAttribute('data-device'), r.innerText];");
        assertEquals("331014-WDR01", first.get(0), "a device down is listed first");
        String text = first.get(1);
        assertTrue(text.contains("TERPUTUS") && text.contains("DOWN"), text);
        assertTrue(text.contains("Device CWS01"), "where residents can record meanwhile: " + text);
        assertTrue(text("#summary-devices").contains("1 / 3"), text("#summary-devices"));

        // A refused configuration edit (a real edit of the file) is shown prominently, after the
        // config watch's next check (every 2 s) and the page's next refresh.
        java.nio.file.Path file = hub.configState().current().file();
        HubTestEnvironment.rewrite(file, java.nio.file.Files.readString(file)
                .replace("reorderDaysOfCover: 7", "reorderDaysOfCover: seven"));
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("config-error")).isDisplayed());
        assertTrue(browser.findElement(By.id("config-problems")).getText().contains("stock.reorderDaysOfCover"),
                browser.findElement(By.id("config-problems")).getText());

        // The hub stops answering: the page says so, and keeps the last data it had.
        hub.close();
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("offline")).isDisplayed());
        assertEquals("DOWN", state("331014-WDR01"));
        assertTrue(text("#offline-detail").matches("Data di bawah dari \\d{2}:\\d{2}:\\d{2} WIB / The data below is from .*"),
                "in the hub's zone, like every time on the page, not the browser's: " + text("#offline-detail"));
    }
    /**
     * A device that refuses the hub's login and a printer whose folder is missing are said in
     * plain words, Indonesian with the English beneath, with what to do; the raw error is behind
     * a click, and stays open across the page's refreshes once opened.
     */
    @Test
    void aLinkInTroubleIsSaidInPlainWordsWithTheRawErrorOneClickAway() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.deviceServer().refuseLogins("trc01", true);
        env.startHub();
        browser = chromium(profile);
        browser.get("http://127.0.0.1:" + env.httpPort() + "/?refresh=" + REFRESH.toSeconds());

        String trc01 = row("331006-TRC01");
        await().atMost(PATIENCE).until(() -> attribute(trc01 + " .trouble", "data-trouble") != null);
        assertEquals("LOGIN_REFUSED", attribute(trc01 + " .trouble", "data-trouble"));
        String words = text(trc01 + " .trouble");
        assertTrue(words.startsWith("Login ditolak: perangkat kecamatan tidak mengenal kunci hub.\n"
                + "Login refused: the kecamatan device does not know the hub's key.\n"), words);
        assertTrue(words.contains("\u2192 Minta pengelolanya memasang kunci publik hub"), words);
        assertTrue(words.contains("Ask its administrator to add the hub's public key"), words);
        assertTrue(words.contains("Pesan asli / Raw error") && !words.contains("Auth fail"),
                "the raw error is behind a click: " + words);

        browser.executeScript("document.querySelector(arguments[0]).click();", trc01 + " .trouble summary");
        Instant clicked = renderedAt();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> renderedAt().isAfter(clicked));
        String opened = text(trc01 + " .trouble details");
        assertTrue(opened.contains("Auth fail"), "opened, and still open after a refresh: " + opened);

        String printer = "#link-rows tr[data-link='printer-DKC-1']";
        await().atMost(PATIENCE).until(() -> attribute(printer + " .trouble", "data-trouble") != null);
        assertEquals("FOLDER_MISSING", attribute(printer + " .trouble", "data-trouble"));
        assertTrue(text(printer).contains("The folder the hub uses is missing on the printer."), text(printer));

        BuildInfo build = BuildInfo.current();
        assertEquals("ektp-hub " + build.version() + " \u00b7 Camel 4.18.0 \u00b7 Java " + build.javaVersion(), text("#build"),
                "which build runs, in the footer");
    }

    @Test
    void jobsHeldByAPrinterNoLongerConfiguredAreShownWithWhatToDo() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        browser = chromium(profile);
        browser.get("http://127.0.0.1:" + env.httpPort() + "/?refresh=" + REFRESH.toSeconds());
        await().atMost(PATIENCE).until(() -> "UP".equals(state("331005-CWS01")));
        assertTrue(!browser.findElement(By.id("stranded")).isDisplayed(), "nothing held: no notice");

        // Two jobs QUEUED on DKC-9, a printer the configuration does not have (any more).
        for (int n = 1; n <= 2; n++) {
            String prrId = "PRR-3310-H00000" + n;
            hub.printJobs().create(prrId, "prr-3310-20261124-0009", "33.10.05", "3310050101900001", "{}");
            hub.printJobs().markQueued(prrId, "DKC-9", Instant.now());
        }
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("stranded")).isDisplayed());
        String item = text("#stranded-list li[data-printer='DKC-9']");
        assertTrue(item != null && item.contains("Printer DKC-9: 2 cetakan / jobs"), item);
        assertTrue(item.matches("(?s).*\\(\\d+ detik / \\d+ s\\)"), "how long they have waited, in words: " + item);
        assertTrue(text("#stranded").contains("requeue-jobs --config FILE --printer ID --reason TEXT"), text("#stranded"));

        // The disk below limits.minFreeBytes (an edit sets the floor above any disk's size): intake paused.
        assertTrue(!browser.findElement(By.id("disk-low")).isDisplayed());
        Path file = hub.configState().current().file();
        HubTestEnvironment.rewrite(file, Files.readString(file).replace("minFreeBytes: 0", "minFreeBytes: 1000000000000000000"));
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("disk-low")).isDisplayed());
        String disk = text("#disk-low");
        assertTrue(disk.contains("intake paused") && disk.matches("(?s).*[0-9.]+ MiB bebas / free of [0-9.]+ MiB.*"), disk);
    }

    @Test
    void aMessageTheMinistryBrokerRefusesIsShownWithWhatToDo() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.withBroker(b -> b.username("reg3310").password("test-secret").refuseNewQueues("EKTP.STOCK.LOANS.>"));
        Hub hub = env.startHub();
        browser = chromium(profile);
        browser.get("http://127.0.0.1:" + env.httpPort() + "/?refresh=" + REFRESH.toSeconds());
        await().atMost(PATIENCE).until(() -> "UP".equals(state("331005-CWS01")));
        assertTrue(!browser.findElement(By.id("parked")).isDisplayed(), "nothing refused: no notice");

        // A loan request to a neighbour code the ministry has no queue for: refused, parked after its tries.
        String id = hub.outbox().raise("EKTP.STOCK.LOANS.3399", "ektp.stock-loan-request/1", "{}");
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("parked")).isDisplayed());
        String item = text("#parked-list li[data-message='" + id + "']");
        assertTrue(item != null && item.contains("ektp.stock-loan-request/1 \u2192 EKTP.STOCK.LOANS.3399")
                && item.contains("not authorized to create"), item);
        assertTrue(text("#parked").contains("outbox --config FILE retry ID | drop ID"), text("#parked"));
    }
}
