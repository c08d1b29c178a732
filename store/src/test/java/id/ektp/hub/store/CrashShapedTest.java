package id.ektp.hub.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store is left holding when work stops halfway: a transaction that throws, a
 * process killed inside a transaction. Either way the last commit is all there is.
 */
class CrashShapedTest {
    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();

    @Test
    void aTransactionThatThrowsMidwayLeavesNothingBehindAlsoAfterAReopen() throws Exception {
        try (HubStore store = HubStore.open(dataDir)) {
            QuarantineRecords quarantine = new QuarantineRecords(store, clock);
            Outbox outbox = new Outbox(store, clock);
            StockLedger ledger = new StockLedger(store);
            RuntimeException thrown = assertThrows(IllegalStateException.class, () -> store.transact(c -> {
                quarantine.hold("q-1", "UP", "p-1", "packets/q-1.zip", "33.10.05/CWS01", "CHECKSUM_MISMATCH", "x");
                outbox.raise("EKTP.REPORT", "PACKET_REJECTED", "{}");
                ledger.append(clock.instant(), StockLedger.Kind.PRINT, -1, "print:1", null);
                throw new IllegalStateException("the file could not be moved");
            }));
            assertEquals("the file could not be moved", thrown.getMessage(), "the caller sees its own exception");
            assertEmpty(store);
        }
        try (HubStore store = HubStore.open(dataDir)) {
            assertEmpty(store);
        }
    }

    @Test
    void aStatementThatFailsMidwayUndoesTheStatementsBeforeIt() throws Exception {
        try (HubStore store = HubStore.open(dataDir)) {
            Outbox outbox = new Outbox(store, clock);
            outbox.raise("taken-id", "EKTP.REPORT", "TEST", "{}");
            assertThrows(StoreException.class, () -> store.transact(c -> {
                outbox.raise("EKTP.REPORT", "TEST", "{\"before\":true}");
                outbox.raise("taken-id", "EKTP.REPORT", "TEST", "{}"); // UNIQUE message_id
                return null;
            }));
            assertEquals(1, outbox.backlog().count(), "only the message committed earlier");
        }
    }

    @Test
    void aNestedTransactOnlyCommitsWithTheOuterOne() throws Exception {
        try (HubStore store = HubStore.open(dataDir)) {
            Outbox outbox = new Outbox(store, clock);
            assertThrows(IllegalStateException.class, () -> store.transact(c -> {
                store.transact(inner -> outbox.raise("EKTP.REPORT", "TEST", "{}")); // returned "committed"
                throw new IllegalStateException("the outer work fails afterwards");
            }));
            assertEquals(0, outbox.backlog().count());
        }
    }

    @Test
    void theStoreWorksOnAfterAFailedTransaction() throws Exception {
        try (HubStore store = HubStore.open(dataDir)) {
            Outbox outbox = new Outbox(store, clock);
            assertThrows(IllegalStateException.class, () -> store.transact(c -> {
                outbox.raise("EKTP.REPORT", "TEST", "{}");
                throw new IllegalStateException("failed");
            }));
            outbox.raise("EKTP.REPORT", "TEST", "{\"after\":true}");
            // back in autocommit: a raise outside transact is on disk without a commit call of ours
            assertTrue(store.read(Connection::getAutoCommit));
        }
        try (HubStore store = HubStore.open(dataDir)) {
            assertEquals(List.of("{\"after\":true}"),
                    new Outbox(store, clock).pending(10).stream().map(OutboxMessage::body).toList());
        }
    }

    /**
     * The real thing: another JVM opens the store, commits some messages, writes more inside a
     * transaction until SQLite has spilled them into the WAL file, and is killed with SIGKILL
     * there. Reopening must recover to the last commit: the committed messages, none of the
     * others, a sound file, and a store that takes new work.
     */
    @Test
    void aProcessKilledInsideATransactionLeavesTheLastCommitAndASoundFile() throws Exception {
        Path marker = dataDir.resolve("in-transaction");
        Path log = dataDir.resolve("child.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                DiesMidTransaction.class.getName(), dataDir.toString(), marker.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await("the child holds its transaction open").atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(marker) || !child.isAlive());
            assertTrue(child.isAlive(), () -> "the child died before it got into its transaction:\n" + readQuietly(log));
            String[] walSizes = Files.readString(marker).split(" ");
            assertTrue(Long.parseLong(walSizes[1]) > Long.parseLong(walSizes[0]),
                    "uncommitted pages are in the WAL file when the process dies: " + String.join(" → ", walSizes));
        } finally {
            child.destroyForcibly().waitFor(); // SIGKILL: no rollback, no close
        }

        try (HubStore store = HubStore.open(dataDir)) {
            assertEquals("ok", integrityCheck(store));
            Outbox outbox = new Outbox(store, clock);
            List<OutboxMessage> pending = outbox.pending(1000);
            assertEquals(DiesMidTransaction.COMMITTED, pending.size());
            assertTrue(pending.stream().allMatch(m -> m.type().equals("COMMITTED")), "nothing uncommitted survived");
            assertEquals(0, Sql.count(store, "SELECT COUNT(*) FROM audit WHERE detail LIKE 'UNCOMMITTED%'"));
            outbox.raise("EKTP.REPORT", "AFTER", "{}");
            assertEquals(DiesMidTransaction.COMMITTED + 1, outbox.backlog().count());
        }
    }

    private static String integrityCheck(HubStore store) {
        return store.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void assertEmpty(HubStore store) {
        assertTrue(new QuarantineRecords(store, clock).find("q-1").isEmpty(), "no quarantine row");
        assertEquals(0, new Outbox(store, clock).backlog().count(), "no message");
        assertEquals(0, new StockLedger(store).onHand(), "no ledger event");
        assertEquals(0, Sql.count(store, "SELECT COUNT(*) FROM audit"), "no audit line");
    }
}
