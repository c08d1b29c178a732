package id.ektp.hub.down;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.codes.ProvinceZones;
import id.ektp.hub.config.HubConfig.Regency;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One batch file through {@link BatchProcessor}, on a real state store: what is quarantined whole
 * (and why, in words), and how a large batch is committed a chunk at a time and resumed.
 */
class BatchProcessorTest {
    private static final String REGENCY = "33.10";

    @TempDir
    Path dataDir;
    HubStore store;
    PrintJobs jobs;
    QuarantineRecords quarantine;
    BatchProcessor processor;

    @BeforeEach
    void setUp() throws Exception {
        store = HubStore.open(dataDir);
        Clock clock = Clock.systemUTC();
        jobs = new PrintJobs(store, clock);
        quarantine = new QuarantineRecords(store, clock);
        Messages messages = new Messages(new Regency(REGENCY, "Kabupaten Klaten", ProvinceZones.WIB), clock);
        processor = new BatchProcessor(store, jobs, new Outbox(store, clock), quarantine, messages,
                Set.of("33.10.05", "33.10.06")::contains, dataDir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** The batch as BatchIntake leaves it: in the spool under its hash, RECEIVED. */
    private Path received(String text, String fileName) throws Exception {
        Path dir = Files.createDirectories(dataDir.resolve("spool/batches/received"));
        Path file = PrrBatchFactory.publishText(text, fileName, dir);
        String sha = Spool.sha256Of(file);
        jobs.batchReceived(sha, fileName);
        return Files.move(file, dir.resolve(BatchSpoolNames.of(sha, fileName)));
    }

    private QuarantineEntry quarantined(String text) throws Exception {
        processor.process(received(text, "prr-3310-20261123-0900.json").toFile());
        List<QuarantineEntry> held = quarantine.held();
        assertEquals(1, held.size(), "quarantined whole");
        assertEquals(0, jobs.backlog().values().stream().mapToLong(b -> b.count()).sum(), "no job of it");
        assertEquals(List.of(), receipts(), "no receipt");
        return held.get(0);
    }

    private static String record(String prrId, int n) throws Exception {
        return Messages.json().writeValueAsString(DownFlowTest.record(prrId, n));
    }

    private static String envelope(String schema, String batchId, String records) {
        return "{\"schema\": " + schema + ", \"batchId\": " + batchId + ", \"regencyCode\": \"33.10\", \"records\": ["
                + records + "]}";
    }

    @Test
    void aKeyGivenTwiceAnywhereQuarantinesTheBatchNamingTheKeyAndWhere() throws Exception {
        String good = record("PRR-3310-K000001", 1);
        String twice = record("PRR-3310-K000002", 2).replace("\"nik\":", "\"nik\":\"3310054507900009\",\"nik\":");
        QuarantineEntry inRecord = quarantined(envelope("\"ektp.prr-batch/1\"", "\"prr-3310-20261123-0900\"",
                good + "," + twice));
        assertEquals("DUPLICATE_KEY", inRecord.reason());
        assertTrue(inRecord.detail().startsWith("the key \"nik\" appears twice in /records/1 (line 1, column "),
                inRecord.detail());
        assertEquals("prr-3310-20261123-0900", inRecord.subjectId(), "named by the batchId read before");
        assertTrue(jobs.find("PRR-3310-K000001").isEmpty(), "not even the good record before it");
    }

    @Test
    void aTopLevelKeyGivenTwiceIsNamed() throws Exception {
        QuarantineEntry held = quarantined("{\"schema\": \"ektp.prr-batch/1\", \"batchId\": \"prr-3310-20261123-0901\","
                + " \"regencyCode\": \"33.10\", \"batchId\": \"prr-3310-20261123-0999\", \"records\": ["
                + record("PRR-3310-K000003", 3) + "]}");
        assertEquals("DUPLICATE_KEY", held.reason());
        assertTrue(held.detail().startsWith("the key \"batchId\" appears twice in the batch's top level"), held.detail());
    }

    /** A schema given as an object used to be read as if its keys were the batch's own. */
    @Test
    void aSchemaThatIsAnObjectIsSkippedWholeAndRejectedNotReadAsTheBatch() throws Exception {
        String inner = "{\"schema\": \"ektp.prr-batch/1\", \"batchId\": \"prr-3310-20261123-0902\", \"regencyCode\": \"33.10\","
                + " \"records\": [" + record("PRR-3310-K000004", 4) + "]}";
        QuarantineEntry held = quarantined("{\"schema\": " + inner + ", \"batchId\": \"prr-3310-20261123-0903\","
                + " \"regencyCode\": \"33.10\", \"records\": []}");
        assertEquals("UNKNOWN_SCHEMA", held.reason());
        assertEquals("schema is an object; only \"ektp.prr-batch/1\" is accepted", held.detail());
        assertEquals("prr-3310-20261123-0903", held.subjectId(), "read on after the object, which was skipped");
    }

    @Test
    void aBatchIdThatIsNotAStringIsRejectedClearly() throws Exception {
        QuarantineEntry held = quarantined(envelope("\"ektp.prr-batch/1\"", "[\"prr-3310-20261123-0904\"]",
                record("PRR-3310-K000005", 5)));
        assertEquals("INVALID_BATCH", held.reason());
        assertEquals("batchId must be a string, not a list", held.detail());
    }

    @Test
    void somethingAfterTheClosingBraceIsMalformed() throws Exception {
        QuarantineEntry held = quarantined(envelope("\"ektp.prr-batch/1\"", "\"prr-3310-20261123-0905\"",
                record("PRR-3310-K000006", 6)) + " {\"records\": []}");
        assertEquals("MALFORMED_JSON", held.reason());
        assertTrue(held.detail().startsWith("something follows the batch's closing brace"), held.detail());
    }

    @Test
    void aRecordFarLargerThanAnyPrintReadyRecordQuarantinesTheBatch() throws Exception {
        ObjectNode huge = DownFlowTest.record("PRR-3310-K000008", 8);
        huge.put("photoRef", "x".repeat(BatchProcessor.MAX_RECORD_BYTES));
        QuarantineEntry held = quarantined(envelope("\"ektp.prr-batch/1\"", "\"prr-3310-20261123-0906\"",
                record("PRR-3310-K000007", 7) + "," + Messages.json().writeValueAsString(huge)));
        assertEquals("INVALID_BATCH", held.reason());
        assertTrue(held.detail().startsWith("record 2 (/records/1, line 1, column "), held.detail());
    }

    /**
     * A batch of 2.5 chunks whose processing fails in its second chunk (a store trigger stands in
     * for the crash): the first chunk stays committed, with its rejection, and no receipt yet.
     * Processed again, it goes on from there: one receipt, counting both parts, no job twice.
     */
    @Test
    void aLargeBatchIsCommittedAChunkAtATimeAndResumedAfterAFailure() throws Exception {
        int total = 2 * BatchProcessor.CHUNK + BatchProcessor.CHUNK / 2;
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 1; i <= total; i++) {
            records.add(DownFlowTest.record(prrId(i), i));
        }
        records.get(9).put("nik", "3310050513900001"); // record 10, chunk 1: birth month 13
        records.set(total - 1, DownFlowTest.record(prrId(20), 20)); // the last lists record 20's PRR again
        String failsAt = prrId(BatchProcessor.CHUNK + 300); // chunk 2
        Path file = received(Messages.text(PrrBatchFactory.batch("prr-3310-20261123-0907", REGENCY, records)),
                "prr-3310-20261123-0907.json");
        String sha = Spool.sha256Of(file);
        store.transact(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER crash BEFORE INSERT ON print_job WHEN NEW.prr_id = '" + failsAt + "'"
                        + " BEGIN SELECT RAISE(ABORT, 'the hub died here'); END");
            }
            return null;
        });

        assertThrows(StoreException.class, () -> processor.process(file.toFile()));
        PrintJobs.BatchProgress progress = jobs.batchProgress(sha).orElseThrow();
        assertEquals(new PrintJobs.BatchProgress("prr-3310-20261123-0907", BatchProcessor.CHUNK,
                BatchProcessor.CHUNK - 1, 1), progress);
        assertEquals(BatchProcessor.CHUNK - 1, jobs.backlog().get(PrintJobState.PENDING).count());
        assertTrue(jobs.find(prrId(BatchProcessor.CHUNK + 1)).isEmpty(), "chunk 2 rolled back whole");
        assertEquals(List.of(), receipts());
        assertEquals("RECEIVED", jobs.batchState(sha).orElseThrow());

        store.transact(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER crash");
            }
            return null;
        });
        processor.process(file.toFile());
        assertEquals("DONE", jobs.batchState(sha).orElseThrow());
        assertTrue(Files.notExists(file));
        assertEquals(total - 2, jobs.backlog().get(PrintJobState.PENDING).count());
        List<JsonNode> receipts = receipts();
        assertEquals(1, receipts.size());
        JsonNode receipt = receipts.get(0);
        assertEquals(total - 2, receipt.get("accepted").asInt());
        Map<String, String> rejected = new TreeMap<>();
        receipt.get("rejected").forEach(r -> rejected.put(r.get("prrId").asText(), r.get("reason").asText()));
        assertEquals(Set.of(prrId(10), prrId(20)), rejected.keySet());
        assertTrue(rejected.get(prrId(10)).startsWith("INVALID_NIK"), rejected.toString());
        assertEquals("DUPLICATE_PRR: listed twice in this batch", rejected.get(prrId(20)));
        assertEquals(0, count("SELECT COUNT(*) FROM prr_batch_rejected"), "kept only until the receipt");
    }

    private static String prrId(int n) {
        return "PRR-3310-L%06d".formatted(n);
    }

    private List<JsonNode> receipts() {
        return store.read(c -> {
            List<JsonNode> bodies = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM outbox WHERE queue = ? ORDER BY seq")) {
                ps.setString(1, Queues.PRR_RECEIPTS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        try {
                            bodies.add(Messages.json().readTree(rs.getString(1)));
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
            return bodies;
        });
    }

    private long count(String sql) {
        return store.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
