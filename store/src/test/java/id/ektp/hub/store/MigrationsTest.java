package id.ektp.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema's life: a new store gets every migration, a store an older hub left is brought
 * up to date with its rows, and a store a newer hub wrote is refused untouched.
 */
class MigrationsTest {
    /** Every table the store's classes read or write, written out here rather than taken from the migrations. */
    private static final List<String> TABLES = List.of("allocation", "audit", "device_state", "followup", "nik_key",
            "outbox", "packet", "print_job", "print_result", "prr_batch", "prr_batch_rejected", "quarantine", "receipt",
            "stock_event", "stock_request");

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();

    @Test
    void aNewStoreReachesTheNewestSchemaVersionWithEveryTable() throws Exception {
        try (HubStore store = HubStore.open(dataDir)) {
            assertEquals(HubStore.migrations().size(), Sql.schemaVersion(store));
            assertEquals(TABLES, Sql.tables(store));
            assertEquals(dataDir.resolve("state/hub.db"), store.file());
        }
    }

    @Test
    void aStoreLeftByAVersion1HubIsUpgradedAndKeepsItsPacketsQuarantineAndAudit() throws Exception {
        try (HubStore old = HubStore.open(dataDir, HubStore.migrations().subList(0, 1))) {
            assertEquals(1, Sql.schemaVersion(old));
            assertFalse(Sql.tables(old).contains("outbox"), "a version 1 store has no outbox yet");
            PacketRecords packets = new PacketRecords(old, clock);
            packets.beginReceiving("331005-CWS01-20260302T011500-0001", "33.10.05", "CWS01", "a".repeat(64), 1234);
            // As a version 1 hub marked it: today's markReceived also raises a receipt, a later table.
            old.transact(c -> c.createStatement().executeUpdate(
                    "UPDATE packet SET state = 'RECEIVED' WHERE packet_id = '331005-CWS01-20260302T011500-0001'"));
            new QuarantineRecords(old, clock).hold("q-1", "UP", "p-1", "packets/q-1.zip", "33.10.05/CWS01",
                    "CHECKSUM_MISMATCH", "kept from version 1");
        }

        try (HubStore store = HubStore.open(dataDir)) {
            assertEquals(HubStore.migrations().size(), Sql.schemaVersion(store));
            assertEquals(TABLES, Sql.tables(store));
            PacketRecord packet = new PacketRecords(store, clock).find("331005-CWS01-20260302T011500-0001").orElseThrow();
            assertEquals(PacketState.RECEIVED, packet.state());
            assertEquals(1234, packet.size());
            QuarantineRecords quarantine = new QuarantineRecords(store, clock);
            assertEquals("kept from version 1", quarantine.find("q-1").orElseThrow().detail());
            assertEquals(List.of("HELD"), quarantine.trail("q-1").stream().map(QuarantineRecords.TrailLine::event).toList());
            // and the tables the upgrade added work
            new Outbox(store, clock).raise("EKTP.TEST", "TEST", "{}");
            assertEquals(1, new Outbox(store, clock).backlog().count());
        }
    }

    @Test
    void aStoreLeftByAVersion2HubIsUpgradedAndKeepsItsOutboxAndLedger() throws Exception {
        String messageId;
        try (HubStore old = HubStore.open(dataDir, HubStore.migrations().subList(0, 2))) {
            assertEquals(2, Sql.schemaVersion(old));
            assertFalse(Sql.tables(old).contains("print_job"), "a version 2 store has no print jobs yet");
            messageId = new Outbox(old, clock).raise("EKTP.STOCK", "STOCK_REPORT", "{\"onHand\":95}");
            StockLedger ledger = new StockLedger(old);
            ledger.append(clock.instant(), StockLedger.Kind.ARRIVAL, 100, "arrival:A-1", null);
            ledger.append(clock.instant(), StockLedger.Kind.PRINT, -5, "print:batch", null);
            new DeviceStates(old).record("33.10.05/CWS01", "DOWN", clock.instant(), "no answer", clock.instant());
        }

        try (HubStore store = HubStore.open(dataDir)) {
            assertEquals(HubStore.migrations().size(), Sql.schemaVersion(store));
            List<OutboxMessage> pending = new Outbox(store, clock).pending(10);
            assertEquals(1, pending.size());
            assertEquals(messageId, pending.get(0).messageId());
            assertEquals("{\"onHand\":95}", pending.get(0).body());
            assertEquals(95, new StockLedger(store).onHand());
            assertEquals("DOWN", new DeviceStates(store).all().get("33.10.05/CWS01").state());
            assertTrue(new PrintJobs(store, clock).create("PRR-3310-000000001", "b-1", "33.10.05", "3310050101900001", "{}"));
        }
    }

    @Test
    void aStoreLeftByAVersion5HubGainsTheJourneyTablesAndKeepsItsPacketsPrintJobsAndParkedMessages() throws Exception {
        String forwarded = "331005-CWS01-20260302T011500-0001";
        String parkedId;
        try (HubStore old = HubStore.open(dataDir, HubStore.migrations().subList(0, 5))) {
            assertEquals(5, Sql.schemaVersion(old));
            assertFalse(Sql.tables(old).contains("receipt"), "a version 5 store has no receipts yet");
            // As a version 5 hub left them: rows written by its SQL, not today's (which fills version 6's columns).
            old.transact(c -> c.createStatement().executeUpdate("""
                    INSERT INTO packet(packet_id, kecamatan, device_id, sha256, size, state, captured_at, received_at,
                                       updated_at)
                    VALUES ('%s', '33.10.05', 'CWS01', '%s', 1234, 'FORWARDED', '2026-03-02T01:15:00Z',
                            '2026-03-02T01:20:00Z', '2026-03-02T01:21:00Z')""".formatted(forwarded, "a".repeat(64))));
            old.transact(c -> c.createStatement().executeUpdate("""
                    INSERT INTO print_job(prr_id, batch_id, pickup_kecamatan, nik, record, state, created_at, updated_at)
                    VALUES ('PRR-3310-000000001', 'b-1', '33.10.05', '3310050101900001', '{}', 'PENDING',
                            '2026-03-02T01:00:00Z', '2026-03-02T01:00:00Z')"""));
            Outbox outbox = new Outbox(old, clock);
            parkedId = outbox.raise("EKTP.STOCK.LOANS.3311", "LOAN_REQUEST", "{\"quantity\":50}");
            outbox.park(outbox.pending(10).get(0).seq(), "not authorized to write to EKTP.STOCK.LOANS.3311");
        }

        try (HubStore store = HubStore.open(dataDir)) {
            assertEquals(6, Sql.schemaVersion(store));
            assertEquals(TABLES, Sql.tables(store));
            PacketRecord packet = new PacketRecords(store, clock).find(forwarded).orElseThrow();
            assertEquals(PacketState.FORWARDED, packet.state());
            assertEquals(1234, packet.size());
            // The upgrade dates a forwarded packet's forwarding (its last change), so the overdue check sees it.
            assertEquals(1, Sql.count(store, "SELECT COUNT(*) FROM packet WHERE packet_id = ? AND forwarded_at = ?",
                    forwarded, "2026-03-02T01:21:00Z"));
            FollowUps followUps = new FollowUps(store);
            assertEquals(List.of(forwarded), followUps.overdue(java.time.Instant.parse("2026-04-01T00:00:00Z"), 10).stream()
                    .map(FollowUps.Overdue::packetId).toList());
            PrintJob job = new PrintJobs(store, clock).find("PRR-3310-000000001").orElseThrow();
            assertEquals("3310050101900001", job.nik(), "the printer's record is kept");
            assertEquals(1, Sql.count(store, "SELECT COUNT(*) FROM print_job WHERE nik_masked = ? AND nik_hash IS NULL",
                    "331005******0001"), "masked by the upgrade; hashed only at a start with a key");
            List<Outbox.Raised> parked = new Outbox(store, clock).parked(10);
            assertEquals(List.of(parkedId), parked.stream().map(Outbox.Raised::messageId).toList());
            assertTrue(parked.get(0).lastError().contains("not authorized"), parked.get(0).lastError());
            // and the tables the upgrade added work
            store.transact(c -> {
                Receipts.raise(c, clock.instant(), forwarded, "331005-CWS01", Receipts.FORWARDED, "in the ministry's inbox");
                return null;
            });
            assertEquals(Receipts.FORWARDED, new Receipts(store).find(forwarded).orElseThrow().state());
        }
    }

    @Test
    void reopeningAnUpToDateStoreChangesNothing() throws Exception {
        List<String> schemaBefore;
        try (HubStore store = HubStore.open(dataDir)) {
            new Outbox(store, clock).raise("EKTP.TEST", "TEST", "{}");
            schemaBefore = schema(store);
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            // A migration run twice would fail on its CREATE TABLE; one skipped would change the schema.
            try (HubStore store = HubStore.open(dataDir)) {
                assertEquals(HubStore.migrations().size(), Sql.schemaVersion(store));
                assertEquals(schemaBefore, schema(store));
                assertEquals(1, new Outbox(store, clock).backlog().count(), "the row is still there, once");
            }
        }
    }

    @Test
    void aStoreWrittenByANewerHubIsRefusedWithAOneLineMessageAndLeftUntouched() throws Exception {
        int known = HubStore.migrations().size();
        try (HubStore store = HubStore.open(dataDir)) {
            new Outbox(store, clock).raise("EKTP.TEST", "TEST", "{}");
            assertTrue(holdsOpenFilesUnder(dataDir), "an open store is seen holding its files");
        }
        // What a newer hub with more migrations leaves behind: a higher user_version.
        setSchemaVersion(known + 6);

        SQLException refused = assertThrows(SQLException.class, () -> HubStore.open(dataDir));

        String message = refused.getMessage();
        assertTrue(message.contains("state/hub.db has schema version " + (known + 6)), message);
        assertTrue(message.contains("this ektp-hub knows up to " + known), message);
        assertTrue(message.contains("written by a newer version"), message);
        assertTrue(message.contains("run that version, or restore a backup"), message);
        assertFalse(message.contains("\n"), "the operator reads it as one line after 'ektp-hub: stopped: '");
        assertEquals(known + 6, schemaVersionOnDisk(), "the refusal wrote nothing");
        assertEquals(1, rowsOnDisk("outbox"));
        assertFalse(holdsOpenFilesUnder(dataDir), "the refused store's connection was closed");
    }

    @Test
    void anOlderHubRefusesTheStoreANewerHubMigrated() throws Exception {
        try (HubStore store = HubStore.open(dataDir)) {
            assertEquals(HubStore.migrations().size(), Sql.schemaVersion(store));
        }
        // The operator rolls back to the jar of schema version 1 after the upgrade ran.
        SQLException refused = assertThrows(SQLException.class,
                () -> HubStore.open(dataDir, HubStore.migrations().subList(0, 1)));
        assertTrue(refused.getMessage().contains("has schema version " + HubStore.migrations().size()
                + ", this ektp-hub knows up to 1"), refused.getMessage());
    }

    @Test
    void aMigrationThatFailsHalfwayLeavesTheStoreAtItsPreviousVersion() throws Exception {
        try (HubStore store = HubStore.open(dataDir)) {
            new Outbox(store, clock).raise("EKTP.TEST", "TEST", "{}");
        }
        int known = HubStore.migrations().size();
        List<String> withABrokenOne = new ArrayList<>(HubStore.migrations());
        // The first statement works, the second fails: DDL and user_version commit together or not at all.
        withABrokenOne.add("CREATE TABLE half_done (x TEXT); CREATE TABLE packet (x TEXT);");

        StoreException failed = assertThrows(StoreException.class, () -> HubStore.open(dataDir, withABrokenOne));
        assertTrue(failed.getMessage().contains("packet already exists"), failed.getMessage());

        try (HubStore store = HubStore.open(dataDir)) {
            assertEquals(known, Sql.schemaVersion(store));
            assertEquals(TABLES, Sql.tables(store), "no half_done table");
            assertEquals(1, new Outbox(store, clock).backlog().count());
        }
    }

    private static List<String> schema(HubStore store) {
        return store.read(c -> {
            List<String> sql = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")) {
                while (rs.next()) {
                    sql.add(rs.getString(1) + " " + rs.getString(2) + ": " + rs.getString(3));
                }
            }
            return sql;
        });
    }

    /** Plain JDBC, not HubStore: the point is to look at (or write) the file without the store's checks. */
    private Connection raw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("state/hub.db"));
    }

    private void setSchemaVersion(int version) throws SQLException {
        try (Connection c = raw(); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = " + version);
        }
    }

    private int schemaVersionOnDisk() throws SQLException {
        try (Connection c = raw(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }

    private long rowsOnDisk(String table) throws SQLException {
        try (Connection c = raw(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            return rs.getLong(1);
        }
    }

    /** Whether this JVM has a file under {@code dir} open (Linux: the links in /proc/self/fd). */
    private static boolean holdsOpenFilesUnder(Path dir) throws IOException {
        Path real = dir.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(real);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            });
        }
    }
}
