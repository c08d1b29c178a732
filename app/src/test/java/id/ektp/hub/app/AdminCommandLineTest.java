package id.ektp.hub.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin commands of the command line, against a running hub over its HTTP API. */
class AdminCommandLineTest {
    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void anOperatorConfirmsStockAndRecordsADestructionFromTheCommandLine() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.withBroker();
        Hub hub = env.startHub();
        String config = root.resolve("hub.yaml").toString();
        hub.ledger().announce(new Allocation("ALLOC-CLI", 40, "BLK2026A0000001", "BLK2026A0000040",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));

        CommandLineTest.Result arrival = CommandLineTest.run("stock-arrival", "--config", config,
                "--allocation", "ALLOC-CLI", "--received", "40");
        assertEquals(0, arrival.exit(), arrival.err());
        assertTrue(arrival.out().contains("\"onHand\":40"), arrival.out());

        CommandLineTest.Result again = CommandLineTest.run("stock-arrival", "--config", config,
                "--allocation", "ALLOC-CLI", "--received", "40");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("already confirmed"), again.err());

        CommandLineTest.Result destruction = CommandLineTest.run("destruction", "--config", config, "--period", "2026-11",
                "--unused", "4", "--damaged", "1", "--destroyed-at", "2026-11-23T10:00:00+07:00", "--witness", "Sri");
        assertEquals(0, destruction.exit(), destruction.err());
        assertEquals(36, hub.stock().snapshot().onHand());

        CommandLineTest.Result typo = CommandLineTest.run("stock-request", "--config", config, "--quantity", "lots", "--reason", "x");
        assertEquals(64, typo.exit());

        // Requeueing a printer's jobs reaches the hub, which refuses it for a printer still configured
        // (StrandedJobsTest has the whole story over HTTP).
        CommandLineTest.Result requeue = CommandLineTest.run("requeue-jobs", "--config", config, "--printer", "DKC-1",
                "--reason", "broken");
        assertEquals(1, requeue.exit());
        assertTrue(requeue.err().contains("printer DKC-1 is in the running configuration"), requeue.err());
        assertEquals(64, CommandLineTest.run("requeue-jobs", "--config", config, "--printer", "DKC-1").exit(),
                "a reason is required");
    }

    @Test
    void anOperatorListsReleasesAndDropsQuarantinedItemsFromTheCommandLine() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        String config = root.resolve("hub.yaml").toString();
        PacketSpec bad = PacketSpec.builder().kecamatanCode("33.10.05").deviceId("CWS01").sequence(4)
                .targetBytes(8 * 1024).defect(PacketDefect.CHECKSUM_MISMATCH).build();
        env.drop(bad);
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.quarantine().held().size() == 1);
        String id = hub.quarantine().held().get(0).quarantineId();

        CommandLineTest.Result list = CommandLineTest.run("quarantine", "--config", config);
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().startsWith("1 item(s)") && list.out().contains(id) && list.out().contains("CHECKSUM_MISMATCH"),
                list.out());

        CommandLineTest.Result release = CommandLineTest.run("quarantine", "release", id, "--config", config);
        assertEquals(1, release.exit());
        assertTrue(release.err().contains("still invalid"), release.err());

        CommandLineTest.Result drop = CommandLineTest.run("quarantine", "--config", config, "drop", id);
        assertEquals(0, drop.exit(), drop.err());
        assertTrue(drop.out().contains("\"state\":\"DROPPED\""), drop.out());
        CommandLineTest.Result all = CommandLineTest.run("quarantine", "all", "--config", config);
        assertTrue(all.out().contains("[DROPPED]"), all.out());
        assertEquals(64, CommandLineTest.run("quarantine", "release", "--config", config).exit(), "release needs an id");

        hub.close();
        CommandLineTest.Result stopped = CommandLineTest.run("quarantine", "release", id, "--config", config);
        assertEquals(1, stopped.exit());
        assertTrue(stopped.err().contains("not answering"), stopped.err());
        CommandLineTest.Result offline = CommandLineTest.run("quarantine", "all", "--config", config);
        assertEquals(0, offline.exit(), offline.err());
        assertTrue(offline.err().contains("reading its state store") && offline.out().contains("[DROPPED]"), offline.out());
    }

    @Test
    void aHubThatIsNotRunningIsSaidPlainly() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.config();
        CommandLineTest.Result result = CommandLineTest.run("stock-request", "--config", root.resolve("hub.yaml").toString(),
                "--quantity", "10", "--reason", "test");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("not answering"), result.err());
    }

    @Test
    void anAdminListsRetriesAndDropsMessagesTheBrokerRefusedFromTheCommandLine() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        var broker = env.withBroker(b -> b.username("reg3310").password("test-secret")
                .refuseNewQueues("EKTP.STOCK.LOANS.>"));
        Hub hub = env.startHub();
        String config = root.resolve("hub.yaml").toString();
        String first = hub.outbox().raise("EKTP.STOCK.LOANS.3399", "ektp.stock-loan-request/1", "{}");
        String second = hub.outbox().raise("EKTP.STOCK.LOANS.3398", "ektp.stock-loan-request/1", "{}");
        await().atMost(Duration.ofSeconds(90)).until(() -> hub.outbox().parkedCount() == 2);

        CommandLineTest.Result list = CommandLineTest.run("outbox", "--config", config);
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().startsWith("2 message(s) parked") && list.out().contains(first)
                && list.out().contains("EKTP.STOCK.LOANS.3398") && list.out().contains("not authorized to create"),
                list.out());

        broker.createQueue("EKTP.STOCK.LOANS.3399");
        CommandLineTest.Result retry = CommandLineTest.run("outbox", "--config", config, "retry", first);
        assertEquals(0, retry.exit(), retry.err());
        await().atMost(Duration.ofSeconds(40)).until(() -> hub.outbox().find(first).orElseThrow().sentAt() != null);

        CommandLineTest.Result drop = CommandLineTest.run("outbox", "--config", config, "drop", second);
        assertEquals(0, drop.exit(), drop.err());
        CommandLineTest.Result again = CommandLineTest.run("outbox", "--config", config, "drop", second);
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("not parked"), again.err());
        assertEquals(64, CommandLineTest.run("outbox", "--config", config, "frob").exit());
        assertEquals(64, CommandLineTest.run("outbox", "--config", config, "--retyr", second).exit());

        hub.close();
        CommandLineTest.Result offline = CommandLineTest.run("outbox", "--config", config);
        assertEquals(0, offline.exit(), offline.err());
        assertTrue(offline.err().contains("reading its state store instead. Retry and drop need the running hub"),
                offline.err());
        assertTrue(offline.out().startsWith("0 message(s) parked"), offline.out());
    }
}
