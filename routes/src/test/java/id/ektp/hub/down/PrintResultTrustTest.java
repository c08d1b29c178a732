package id.ektp.hub.down;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.across.Queues;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestSftpPrinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A print result counts only for a job out on the printer that reports it: a result replayed
 * after the card was printed, one naming another printer, or one for a job another printer
 * holds is quarantined with its reason, and neither uses a blank nor moves the job. The same
 * file seen again after a crash still counts once, silently.
 */
class PrintResultTrustTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;
    Path printer;

    @BeforeEach
    void setUp() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        printer = root.resolve("printers/DKC-1");
        Files.createDirectories(printer.resolve("queue"));
        Files.createDirectories(printer.resolve("results"));
    }

    @AfterEach
    void stop() {
        env.close();
    }

    void publish(String batchId, String prefix, int count) throws Exception {
        PrrBatchFactory.publish(PrrBatchFactory.batch(batchId, "33.10", DownFlowTest.records(prefix, count)),
                root.resolve("ministry/outbox"));
    }

    /** A result as a printer writes it (temp name, then renamed); waits until the hub has taken it. */
    static void report(Path printerFolder, String prrId, String printerId, String status, String serial, String at)
            throws Exception {
        Path results = printerFolder.resolve("results");
        Path file = results.resolve(prrId + ".result.json");
        await().atMost(PATIENCE).until(() -> !Files.exists(file)); // never over an unread result
        Path temp = results.resolve("." + prrId + ".result.json.tmp");
        Files.writeString(temp, """
                {"schema": "ektp.print-result/1", "prrId": "%s", "printerId": "%s", "status": "%s",%s
                 "blankSerial": "%s", "at": "%s"}""".formatted(prrId, printerId, status,
                status.equals("FAILED") ? " \"reason\": \"INK_SMEAR\"," : "", serial, at));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(PATIENCE).until(() -> !Files.exists(file));
    }

    PrintJob job(Hub hub, String prrId) {
        return hub.printJobs().find(prrId).orElseThrow();
    }

    Map<String, QuarantineEntry> heldByReason(Hub hub) {
        return hub.quarantine().held().stream().collect(Collectors.toMap(QuarantineEntry::reason, q -> q));
    }

    @Test
    void aFailureReplayedAfterTheCardWasPrintedIsQuarantinedAndPrintsNothingAgain() throws Exception {
        Hub hub = env.startHub();
        publish("prr-3310-20261125-0001", "PRR-3310-P", 1);
        String prrId = "PRR-3310-P000001";
        Path queued = printer.resolve("queue/" + prrId + ".json");
        await().atMost(PATIENCE).until(() -> Files.exists(queued));

        Files.delete(queued); // the printer takes the job, smears it, and reports that
        report(printer, prrId, "DKC-1", "FAILED", "BLK2026A0000001", "2026-11-25T09:00:00+07:00");
        await().atMost(PATIENCE).until(() -> Files.exists(queued)); // queued again
        Files.delete(queued);
        report(printer, prrId, "DKC-1", "PRINTED", "BLK2026A0000002", "2026-11-25T09:05:00+07:00");
        await().atMost(PATIENCE).until(() -> job(hub, prrId).state() == PrintJobState.PRINTED);
        await().atMost(PATIENCE).until(() -> broker.queueSize(Queues.PICKUP_NOTICES) == 1);

        // The printer's spooler replays the failure, stamped with a new time.
        report(printer, prrId, "DKC-1", "FAILED", "BLK2026A0000001", "2026-11-25T09:30:00+07:00");
        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 1);
        QuarantineEntry replayed = hub.quarantine().held().get(0);
        assertEquals("NOT_QUEUED_HERE", replayed.reason(), replayed.toString());
        assertTrue(replayed.detail().contains("PRINTED"), replayed.detail());
        assertEquals("printer DKC-1", replayed.source());
        // And once more exactly as first sent: counted then, and another result came after it.
        report(printer, prrId, "DKC-1", "FAILED", "BLK2026A0000001", "2026-11-25T09:00:00+07:00");
        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 2);
        assertTrue(heldByReason(hub).containsKey("REPLAYED_RESULT"), hub.quarantine().held().toString());

        PrintJob job = job(hub, prrId);
        assertEquals(PrintJobState.PRINTED, job.state(), "a printed card stays printed");
        assertEquals(2, job.prints());
        assertEquals(-2, hub.stock().snapshot().onHand(), "a quarantined result uses no blank");
        assertEquals(List.of(), names(printer.resolve("queue")), "not queued a third time");
        await().atMost(PATIENCE).until(() -> hub.outbox().backlog().count() == 0);
        assertEquals(1, broker.queueSize(Queues.PICKUP_NOTICES), "one pickup notice");
    }

    @Test
    void aResultNamingAnotherPrinterOrForAJobAnotherPrinterHoldsIsQuarantined() throws Exception {
        // Records alternate 33.10.06 (odd: DKC-1, the default) and 33.10.05 (even: DKC-2 over SFTP).
        env.addSftpPrinter(TestSftpPrinter.of("DKC-2", ".", "33.10.05"));
        Hub hub = env.startHub();
        publish("prr-3310-20261125-0002", "PRR-3310-Q", 2);
        String mine = "PRR-3310-Q000001";
        String theirs = "PRR-3310-Q000002";
        await().atMost(PATIENCE).until(() -> hub.printJobs().backlog().get(PrintJobState.QUEUED).count() == 2);
        assertEquals("DKC-2", job(hub, theirs).printerId());

        report(printer, mine, "DKC-2", "PRINTED", "BLK2026A0000003", "2026-11-25T10:00:00+07:00");
        report(printer, theirs, "DKC-1", "PRINTED", "BLK2026A0000004", "2026-11-25T10:01:00+07:00");
        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 2);
        Map<String, QuarantineEntry> held = heldByReason(hub);
        assertTrue(held.get("WRONG_PRINTER").detail().contains("DKC-2"), held.toString());
        assertTrue(held.get("NOT_QUEUED_HERE").detail().contains("on printer DKC-2"), held.toString());
        assertEquals(PrintJobState.QUEUED, job(hub, mine).state());
        assertEquals(PrintJobState.QUEUED, job(hub, theirs).state());
        assertEquals(0, hub.stock().snapshot().onHand(), "no blank for either");

        // The right printer's own result counts.
        report(printer, mine, "DKC-1", "PRINTED", "BLK2026A0000005", "2026-11-25T10:02:00+07:00");
        await().atMost(PATIENCE).until(() -> job(hub, mine).state() == PrintJobState.PRINTED);
        assertEquals(-1, hub.stock().snapshot().onHand());
    }

    @Test
    void aFailureSeenAgainAfterACrashCountsOnceWhileItsReprintIsQueued() throws Exception {
        Hub hub = env.startHub();
        publish("prr-3310-20261125-0003", "PRR-3310-R", 1);
        String prrId = "PRR-3310-R000001";
        Path queued = printer.resolve("queue/" + prrId + ".json");
        await().atMost(PATIENCE).until(() -> Files.exists(queued));
        Files.delete(queued);
        report(printer, prrId, "DKC-1", "FAILED", "BLK2026A0000006", "2026-11-25T11:00:00+07:00");
        await().atMost(PATIENCE).until(() -> Files.exists(queued)); // the reprint is out

        // The same file again, as a crash between recording it and deleting it leaves it.
        report(printer, prrId, "DKC-1", "FAILED", "BLK2026A0000006", "2026-11-25T11:00:00+07:00");
        PrintJob job = job(hub, prrId);
        assertEquals(PrintJobState.QUEUED, job.state());
        assertEquals(1, job.prints(), "counted once");
        assertEquals(-1, hub.stock().snapshot().onHand(), "one blank");
        assertEquals(0, hub.quarantine().held().size(), "an exact copy of the last result is no replay");
        assertTrue(Files.exists(queued), "the reprint stays queued");
    }
}
