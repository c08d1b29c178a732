package id.ektp.hub.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import id.ektp.hub.across.Queues;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The resident's journey in a real headless browser (as {@link StatusPageBrowserTest}): the
 * status page's "Perlu tindak lanjut" section, grouped by kecamatan with what to tell each
 * resident, and the counter page, which asks the token once per browser session, posts the NIK
 * (never in a URL) and shows the journey in words.
 */
class JourneyPagesBrowserTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final String NIK = "3310054507900001";

    @TempDir
    Path root;
    @TempDir
    Path profile;
    HubTestEnvironment env;
    ChromeDriver browser;

    @BeforeEach
    void needsABrowser() {
        assumeTrue(Files.isExecutable(StatusPageBrowserTest.CHROMIUM) && Files.isExecutable(StatusPageBrowserTest.CHROMEDRIVER),
                "journey pages browser test skipped: chromium or chromedriver is not installed");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (env != null) {
            env.close();
        }
    }

    private String text(String css) {
        return (String) browser.executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    }

    private boolean visible(String id) {
        return (Boolean) browser.executeScript("var e = document.getElementById(arguments[0]); return !!e && !e.hidden;", id);
    }

    @Test
    void theFollowUpsSectionAndTheCounterShowAResidentsJourneyInWords() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        env.withPrivacyKey().withExtraYaml("reports: {packetOverdueAfter: 3s}\n");
        Hub hub = env.startHub();
        PacketSpec duplicate = PacketSpec.builder().sequence(1).nik(NIK).build();
        PacketSpec unanswered = PacketSpec.builder().kecamatanCode("33.10.06").deviceId("TRC01").sequence(2).seed(2).build();
        env.drop(duplicate);
        env.drop(unanswered);
        await().atMost(PATIENCE).until(() -> hub.packets().find(duplicate.packetId())
                .map(r -> r.state() == PacketState.FORWARDED).orElse(false));
        broker.send(Queues.packetResults("3310"), "{\"schema\":\"ektp.packet-result/1\",\"packetId\":\"" + duplicate.packetId()
                + "\",\"regencyCode\":\"33.10\",\"status\":\"DUPLICATE\",\"at\":\"2026-11-25T10:02:00+07:00\","
                + "\"duplicateOf\":{\"kecamatanCode\":\"33.10.14\",\"recordedOn\":\"2016-03-02\"}}",
                Map.of(Queues.MESSAGE_ID, UUID.randomUUID().toString()));
        await().atMost(PATIENCE).until(() -> hub.followUps().open().size() == 2);

        browser = StatusPageBrowserTest.chromium(profile);
        browser.get("http://127.0.0.1:" + env.httpPort() + "/?refresh=2");
        String row = "#followups tr[data-followup='" + duplicate.packetId() + "']";
        await().atMost(PATIENCE).until(() -> text(row) != null);
        String shown = text(row);
        assertTrue(shown.contains("DATA GANDA") && shown.contains("DUPLICATE"), "the kind in words: " + shown);
        assertTrue(shown.contains("NIK 331005******0001"), shown);
        assertTrue(shown.contains("kantor Disdukcapil kabupaten") && shown.contains("regency office"), shown);
        assertTrue(text("#followups h3[data-kecamatan='33.10.05']").contains("Device CWS01"));
        String overdue = text("#followups tr[data-followup='" + unanswered.packetId() + "']");
        assertTrue(overdue.contains("TERLAMBAT") && overdue.contains("need not come in"), overdue);
        assertTrue(text("#summary-followups").contains("2"), text("#summary-followups"));
        assertFalse(browser.getPageSource().contains(NIK));

        // The counter: the token once per session, the NIK in the body only.
        browser.get("http://127.0.0.1:" + env.httpPort() + "/counter");
        assertTrue(visible("token-field"), "no token yet in this session: asked");
        browser.findElement(By.id("nik")).sendKeys(NIK);
        browser.findElement(By.id("token")).sendKeys(env.adminToken());
        browser.findElement(By.id("search")).click();
        await().atMost(PATIENCE).until(() -> visible("result"));
        assertFalse(visible("token-field"), "the token is kept for the session");
        String summary = text("#summary");
        assertTrue(summary.contains("NIK 331005******0001") && summary.contains("pendobelan data")
                && summary.contains("regency office"), summary);
        String card = text("#packets div[data-packet='" + duplicate.packetId() + "']");
        assertTrue(card.contains("Data ganda") && card.contains("Duplicate") && card.contains("Device CWS01"), card);
        assertTrue(card.contains("Dikirim ke Kementerian / Forwarded to the ministry"), "its steps with times: " + card);
        assertTrue(text("#prrs").contains("Belum ada data cetak"), text("#prrs"));
        assertFalse(browser.getCurrentUrl().contains(NIK), browser.getCurrentUrl());
        assertEquals(env.adminToken(), browser.executeScript("return sessionStorage.getItem('ektp-hub.admin-token')"));
        assertNull(browser.executeScript("return localStorage.getItem('ektp-hub.admin-token')"), "never kept past the session");

        // A refused token is asked for again.
        browser.executeScript("sessionStorage.setItem('ektp-hub.admin-token', 'wrong')");
        browser.findElement(By.id("search")).click();
        await().atMost(PATIENCE).until(() -> visible("token-field") && visible("message"));
        assertTrue(text("#message").contains("The token was refused"), text("#message"));
        assertNull(browser.executeScript("return sessionStorage.getItem('ektp-hub.admin-token')"));
    }
}
