package id.ektp.hub.store;

import id.ektp.hub.spool.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;

/**
 * Run as its own process by {@link CrashShapedTest}: commits {@code COMMITTED} messages, then
 * opens a transaction, raises {@code UNCOMMITTED} more (with a cache small enough that SQLite
 * writes their pages to the WAL before any commit), says so in a marker file, and waits there
 * to be killed.
 */
public final class DiesMidTransaction {
    static final int COMMITTED = 3;
    static final int UNCOMMITTED = 300;

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path marker = Path.of(args[1]);
        HubStore store = HubStore.open(dataDir);
        Outbox outbox = new Outbox(store, Clock.systemUTC());
        for (int i = 0; i < COMMITTED; i++) {
            outbox.raise("EKTP.REPORT", "COMMITTED", "committed " + i);
        }
        Path wal = dataDir.resolve("state/hub.db-wal");
        long walBefore = Files.size(wal);
        store.transact(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA cache_size = 8"); // pages: the transaction's spill over into the WAL
            }
            String body = "x".repeat(2000);
            for (int i = 0; i < UNCOMMITTED; i++) {
                outbox.raise("EKTP.REPORT", "UNCOMMITTED", body);
            }
            try {
                Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
                Files.writeString(tmp, walBefore + " " + Files.size(wal));
                SecureFiles.moveDurably(tmp, marker);
                new java.util.concurrent.CountDownLatch(1).await(); // blocks until SIGKILL: never commits, never closes
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
    }

    private DiesMidTransaction() {}
}
