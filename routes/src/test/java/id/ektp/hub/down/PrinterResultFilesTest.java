package id.ektp.hub.down;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.prr.PrinterSimulator;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestSftpPrinter;
import id.ektp.hub.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.support.ScheduledPollConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the hub does with what it finds in a printer's {@code results/}, whatever the printer put
 * there: a link is not followed, a huge file is not read (nor downloaded), a name that leads out
 * of the folder is not used, none of their bytes reaches the quarantine's text, and each is
 * reported once and left for the operator. Below the disk floor the results wait on the printers.
 */
class PrinterResultFilesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path root;
    HubTestEnvironment env;
    Path printer;

    @BeforeEach
    void setUp() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.withBroker();
        printer = root.resolve("printers/DKC-1");
        Files.createDirectories(printer.resolve("queue"));
        Files.createDirectories(printer.resolve("results"));
    }

    @AfterEach
    void stop() {
        env.close();
    }

    /** How many times a printer's results route has polled (paused polls included). */
    static long polls(Hub hub, String printerId) {
        return ((ScheduledPollConsumer) hub.camelContext().getRoute(DownRoutes.RESULTS_PREFIX + printerId).getConsumer())
                .getCounter();
    }

    /** Waits until the results route of {@code printerId} has polled {@code n} more times. */
    static void awaitPolls(Hub hub, String printerId, int n) {
        long from = polls(hub, printerId);
        await().atMost(PATIENCE).until(() -> polls(hub, printerId) >= from + n);
    }

    static Map<String, QuarantineEntry> held(Hub hub) {
        return hub.quarantine().held().stream().collect(Collectors.toMap(QuarantineEntry::subjectId, q -> q));
    }

    @Test
    void aLinkToAHubSecretIsNeitherFollowedNorQuotedAndIsReportedOnce() throws Exception {
        Path secret = root.resolve("secrets/admin.token");
        Path link = Files.createSymbolicLink(printer.resolve("results/PRR-3310-Y000001.result.json"), secret);
        Hub hub = env.startHub();

        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 1);
        QuarantineEntry entry = hub.quarantine().held().get(0);
        assertEquals("SYMBOLIC_LINK", entry.reason(), entry.toString());
        assertTrue(entry.detail().contains("not followed"), entry.detail());
        assertFalse(env.httpGet("/api/quarantine").contains("test-secret"), "the secret is nowhere in the answer");
        assertFalse(env.httpGet("/api/quarantine/" + entry.quarantineId()).contains("test-secret"));
        assertEquals(names(env.dataDir().resolve("quarantine/results")), java.util.List.of(), "nothing copied");

        awaitPolls(hub, "DKC-1", 4);
        assertEquals(1, hub.quarantine().all().size(), "reported once");
        assertEquals(1, hub.quarantine().trail(entry.quarantineId()).size());
        assertTrue(Files.isSymbolicLink(link), "left for the operator to remove");
        assertEquals("test-secret\n", Files.readString(secret));
    }

    @Test
    void aHugeFileIsNotReadAndNoFileContentReachesTheQuarantineText() throws Exception {
        Path huge = printer.resolve("results/PRR-3310-Y000002.result.json");
        Files.write(huge, new byte[9 * 1024 * 1024]);
        Path malformed = printer.resolve("results/PRR-3310-Y000003.result.json");
        Files.writeString(malformed, "{\"schema\": \"ektp.print-result/1\", \"prrId\": WHISPERED-SECRET}");
        Files.setPosixFilePermissions(malformed, PosixFilePermissions.fromString("rw-r--r--"));
        Hub hub = env.startHub();

        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 2 && !Files.exists(malformed));
        Map<String, QuarantineEntry> held = held(hub);
        QuarantineEntry tooLarge = held.get("PRR-3310-Y000002.result.json");
        assertEquals("TOO_LARGE", tooLarge.reason(), held.toString());
        assertTrue(tooLarge.detail().contains("not copied: 9 MiB, over the 64 KiB limit"), tooLarge.detail());
        assertFalse(Files.exists(env.dataDir().resolve("quarantine").resolve(tooLarge.fileName())));
        QuarantineEntry notJson = held.get("PRR-3310-Y000003.result.json");
        assertEquals("MALFORMED_JSON", notJson.reason());
        assertTrue(notJson.detail().matches("not JSON \\(line 1, column [0-9]+\\)"), notJson.detail());
        assertFalse(env.httpGet("/api/quarantine").contains("WHISPERED"), "no file content in the answer");
        Path kept = env.dataDir().resolve("quarantine").resolve(notJson.fileName());
        assertEquals(SecureFiles.OWNER_FILE, Files.getPosixFilePermissions(kept), "kept owner-only, whatever the printer's mode");

        awaitPolls(hub, "DKC-1", 4);
        assertEquals(2, hub.quarantine().all().size(), "reported once");
        assertTrue(Files.exists(huge), "left for the operator to remove");
    }

    @Test
    void aResultNamedWithANikAndControlCharactersIsShownEscapedAndMaskedInTheLog() throws Exception {
        // A printer's result file name is the printer's text: a NIK and a terminal escape in it
        // must not reach the log as they are, whatever the log layout does after.
        String nik = "3310054507900001";
        String name = "PRR-3310-" + nik + "\u001b[2J.result.json";
        Files.writeString(printer.resolve("results").resolve(name), "not json");
        try (LogCapture logs = LogCapture.start()) {
            Hub hub = env.startHub();
            await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 1);

            List<String> lines = logs.lines().stream().map(LogCapture.Line::text)
                    .filter(l -> l.contains("QUARANTINED")).toList();
            assertEquals(1, lines.size(), logs.lines().toString());
            String line = lines.get(0);
            assertFalse(line.contains(nik), line);
            assertFalse(line.contains("\u001b"), "no raw escape character: " + line);
            assertTrue(line.contains("PRR-3310-331005******0001"), "the name shown, its NIK masked: " + line);
        }
    }

    @Test
    void anSftpListingNameLeadingOutOfResultsIsNeitherDownloadedNorRemoved() throws Exception {
        env.addSftpPrinter(TestSftpPrinter.of("DKC-2", "a/b/c", "33.10.05"));
        Path remote = env.printerFolder("DKC-2");
        // On the printer's host, a result-like file outside results/; a listing that names two
        // decoys inside results/ as paths: the first makes a folder x/, through which the
        // second, resolved against the hub's old local work folder (data/spool/printer-results/
        // DKC-2), reached data/state/, and on the printer a/state/.
        Path outside = Files.createDirectories(env.printerHome("DKC-2").resolve("a/state")).resolve("planted.result.json");
        Files.writeString(outside, "{\"written\": \"by the printer\"}");
        Files.writeString(remote.resolve("results/decoy1.result.json"), "{\"decoy\": 1}");
        Files.writeString(remote.resolve("results/decoy2.result.json"), "{\"decoy\": 2}");
        Files.createDirectories(remote.resolve("results/x")); // so the path resolves on the printer too
        env.printerServer().listAs("decoy1.result.json", "x/first.result.json");
        env.printerServer().listAs("decoy2.result.json", "x/../../../../state/planted.result.json");
        Path hubFile = SecureFiles.ownerOnlyDirectories(env.dataDir().resolve("state")).resolve("planted.result.json");
        Files.writeString(hubFile, "the hub's own file");
        Hub hub = env.startHub();

        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 2);
        for (QuarantineEntry entry : hub.quarantine().held()) {
            assertEquals("UNSAFE_NAME", entry.reason(), entry.toString());
            assertEquals("printer DKC-2", entry.source());
        }
        awaitPolls(hub, "DKC-2", 3);
        assertEquals(2, hub.quarantine().all().size(), "reported once");
        assertEquals("the hub's own file", Files.readString(hubFile), "nothing written outside");
        assertTrue(Files.exists(outside), "nothing removed on the printer outside results/");
        assertEquals(java.util.List.of("decoy1.result.json", "decoy2.result.json", "x"), names(remote.resolve("results")));
    }

    @Test
    void anSftpPrintersHugeFileIsNotDownloaded() throws Exception {
        env.addSftpPrinter(TestSftpPrinter.of("DKC-2", ".", "33.10.05"));
        Path huge = env.printerFolder("DKC-2").resolve("results/PRR-3310-Y000004.result.json");
        Files.write(huge, new byte[2 * 1024 * 1024]);
        Hub hub = env.startHub();

        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 1);
        QuarantineEntry entry = hub.quarantine().held().get(0);
        assertEquals("TOO_LARGE", entry.reason(), entry.toString());
        assertTrue(entry.detail().contains("not copied: 2 MiB"), entry.detail());
        awaitPolls(hub, "DKC-2", 3);
        assertEquals(1, hub.quarantine().all().size(), "reported once");
        assertTrue(Files.exists(huge), "left on the printer");
        assertEquals(java.util.List.of(), names(env.dataDir().resolve("quarantine/results")), "nothing copied");
    }

    @Test
    void belowTheDiskFloorResultsWaitOnThePrintersAndAreTakenOnceSpaceIsBack() throws Exception {
        env.addSftpPrinter(TestSftpPrinter.of("DKC-2", ".", "33.10.05"));
        env.withExtraYaml("limits: {minFreeBytes: 0}\n");
        Hub hub = env.startHub();
        // Records alternate 33.10.06 (DKC-1, a folder) and 33.10.05 (DKC-2, over SFTP).
        PrrBatchFactory.publish(PrrBatchFactory.batch("prr-3310-20261125-0010", "33.10",
                DownFlowTest.records("PRR-3310-Z", 2)), root.resolve("ministry/outbox"));
        await().atMost(PATIENCE).until(() -> hub.printJobs().backlog().get(PrintJobState.QUEUED).count() == 2);

        env.editConfig(hub, "minFreeBytes: 0", "minFreeBytes: 1000000000000000000"); // as if the disk were full
        Path folderResults = printer.resolve("results");
        Path sftpResults = env.printerFolder("DKC-2").resolve("results");
        new PrinterSimulator("DKC-1", printer, 1).print(printer.resolve("queue/PRR-3310-Z000001.json"), null);
        new PrinterSimulator("DKC-2", env.printerFolder("DKC-2"), 2)
                .print(env.printerFolder("DKC-2").resolve("queue/PRR-3310-Z000002.json"), null);
        awaitPolls(hub, "DKC-1", 4);
        awaitPolls(hub, "DKC-2", 3);
        assertEquals(1, names(folderResults).size(), "the folder printer's result waits there");
        assertEquals(1, names(sftpResults).size(), "the SFTP printer's result waits there");
        assertEquals(2, hub.printJobs().backlog().get(PrintJobState.QUEUED).count());

        env.editConfig(hub, "minFreeBytes: 1000000000000000000", "minFreeBytes: 0");
        await().atMost(PATIENCE).until(() -> hub.printJobs().backlog().get(PrintJobState.PRINTED).count() == 2);
        await().atMost(PATIENCE).until(() -> names(folderResults).isEmpty() && names(sftpResults).isEmpty());
    }
}
