package id.ektp.hub.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.config.HubConfig;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One hub per dataDir, in one JVM (a test, the sandbox); RunProcessTest has two processes. */
class DataDirLockTest {
    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void aSecondHubOnTheSameDataDirIsRefusedNamingTheFirstAndMayStartOnceItIsGone() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub first = env.startHub();
        HubConfig config = env.config();

        DataDirLock.InUse refused = assertThrows(DataDirLock.InUse.class, () -> Hub.create(config));
        assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
        assertTrue(refused.getMessage().contains(config.dataDir().toString()), refused.getMessage());
        // Refused twice, the same way: the first refusal left the first hub's lock as it was.
        assertThrows(DataDirLock.InUse.class, () -> Hub.create(config));
        Path lockFile = config.dataDir().resolve("hub.lock");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile)));

        first.close();
        first.close(); // twice, as tests and shutdown hooks do: harmless
        Hub second = Hub.create(config);
        try {
            assertThrows(DataDirLock.InUse.class, () -> Hub.create(config), "the second holds it now");
            first.close(); // the first's late close does not release the second's lock
            assertThrows(DataDirLock.InUse.class, () -> Hub.create(config));
        } finally {
            second.close();
        }
    }
}
