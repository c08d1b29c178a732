package id.ektp.hub.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status}: the running hub's /api/status as a terminal summary, by config or by URL. */
class StatusCommandLineTest {
    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void printsTheRunningHubsDevicesStockAndLinks() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.withBroker();
        Hub hub = env.startHub();
        hub.ledger().announce(new Allocation("ALLOC-ST", 75, "BLK2026A0000001", "BLK2026A0000075",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
        hub.stock().confirmArrival("ALLOC-ST", 75);
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.deviceLinks().all().size() == 2
                && hub.deviceLinks().all().values().stream().allMatch(link -> link.up()));

        String config = root.resolve("hub.yaml").toString();
        CommandLineTest.Result byConfig = CommandLineTest.run("status", "--config", config);
        assertEquals(0, byConfig.exit(), byConfig.err());
        String out = byConfig.out();
        assertTrue(out.contains("Kabupaten Klaten (test) (33.10)"), out);
        assertTrue(out.contains("Devices: 2, 0 down"), out);
        assertTrue(out.matches("(?s).*UP +33\\.10\\.05 +Device CWS01 +CWS01 .*"), out);
        assertTrue(out.contains("Stock: 75 blanks on hand"), out);
        assertTrue(out.contains("ministry-sftp"), out);
        assertTrue(out.contains("Quarantine: 0 held"), out);

        assertFalse(out.contains("no longer configured"), out);

        // A job left QUEUED on a printer the configuration no longer has is named, with what to do.
        hub.printJobs().create("PRR-3310-T000001", "prr-3310-20261124-0001", "33.10.05", "3310050101900001", "{}");
        hub.printJobs().markQueued("PRR-3310-T000001", "DKC-9", Instant.now());
        CommandLineTest.Result byUrl = CommandLineTest.run("status", "--url", "http://127.0.0.1:" + env.httpPort());
        assertEquals(0, byUrl.exit(), byUrl.err());
        assertTrue(byUrl.out().contains("Stock: 75 blanks on hand"), byUrl.out());
        assertTrue(byUrl.out().matches("(?s).*DOWN  1 \\(oldest \\d+s\\) QUEUED on printer DKC-9, no longer configured: "
                + "its results are not read; if it will not print them, requeue-jobs --config FILE --printer DKC-9 --reason TEXT.*"),
                byUrl.out());

        assertEquals(64, CommandLineTest.run("status").exit(), "--config or --url is required");
        assertEquals(64, CommandLineTest.run("status", "--url", "127.0.0.1").exit());
    }

    /** The same plain words as the page: what happened and what to do, Indonesian then English, then the raw error. */
    @Test
    void aDeviceThatRefusesTheLoginIsSaidInPlainWords() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.deviceServer().refuseLogins("trc01", true);
        Hub hub = env.startHub();
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.deviceLinks().link("331006-TRC01").map(l -> !l.up()).orElse(false));

        CommandLineTest.Result status = CommandLineTest.run("status", "--config", root.resolve("hub.yaml").toString());

        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().matches("(?s).*DOWN +33\\.10\\.06 +Device TRC01 .*\n"
                + " +Login ditolak: perangkat kecamatan tidak mengenal kunci hub\\.\n"
                + " +Login refused: the kecamatan device does not know the hub's key\\.\n"
                + " +-> Minta pengelolanya .*\n"
                + " +-> Ask its administrator to add the hub's public key .*\n"
                + " +raw: .*Auth fail.*"), status.out());
    }

    @Test
    void aHubThatIsNotRunningExitsOne() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.config();
        CommandLineTest.Result result = CommandLineTest.run("status", "--config", root.resolve("hub.yaml").toString());
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("not answering"), result.err());
    }
}
