package id.ektp.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state store holds NIKs and packet ids: its folder and every file SQLite makes are owner-only. */
class StoreFilesOwnerOnlyTest {
    @TempDir
    Path root;

    @Test
    void theStateFolderTheDatabaseAndItsWalAndShmAreOwnerOnly() throws Exception {
        Path dataDir = root.resolve("data");
        try (HubStore store = HubStore.open(dataDir)) {
            new Outbox(store, Clock.systemUTC()).raise("EKTP.REPORT", "TEST", "{}"); // a commit: the WAL has frames
            for (Path dir : List.of(dataDir, dataDir.resolve("state"))) {
                assertEquals("rwx------", permissions(dir), dir.toString());
            }
            // SQLite gives -wal and -shm the main file's mode: that is why hub.db is created 0600 first.
            for (String name : List.of("hub.db", "hub.db-wal", "hub.db-shm")) {
                Path file = dataDir.resolve("state").resolve(name);
                assertTrue(Files.exists(file), name);
                assertEquals("rw-------", permissions(file), name);
            }
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
