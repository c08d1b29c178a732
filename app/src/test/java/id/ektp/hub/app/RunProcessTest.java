package id.ektp.hub.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.config.HubConfig;
import id.ektp.hub.runtime.DataDirLock;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} as the operating system sees it: its own process, its exit code, its signals. */
class RunProcessTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path root;
    HubTestEnvironment env;
    HubProcess first;
    HubProcess second;

    @AfterEach
    void stop() throws InterruptedException {
        for (HubProcess hub : new HubProcess[] {second, first}) {
            if (hub != null) {
                hub.close();
            }
        }
        env.close();
    }

    private HubConfig setUp() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        return env.config();
    }

    /** Started: it holds its dataDir and its HTTP server answers. */
    private void awaitRunning(HubProcess hub) {
        Path lock = env.dataDir().resolve("hub.lock");
        await().atMost(PATIENCE).ignoreExceptions().until(() -> Files.readString(lock).contains("pid " + hub.pid())
                && env.httpGet("/api/status").contains("\"regency\""));
    }

    @Test
    void aSecondRunOnTheSameDataDirExits2NamingTheProcessThatHasIt() throws Exception {
        setUp();
        first = new HubProcess(root.resolve("hub.yaml"), root.resolve("first.log"));
        first.start();
        awaitRunning(first);

        second = new HubProcess(root.resolve("hub.yaml"), root.resolve("second.log"));
        second.start();
        assertEquals(2, second.exitWithin(PATIENCE), second.log());
        assertTrue(second.log().contains("is in use by another hub (pid " + first.pid()), second.log());
        assertEquals(null, first.exitWithin(Duration.ZERO), "the first runs on");
    }

    /** A refusal inside one JVM (the sandbox, a test) leaves the lock the other processes see. */
    @Test
    void aRefusalWithinOneProcessKeepsTheLockAgainstOthers() throws Exception {
        HubConfig config = setUp();
        Hub hub = env.startHub();
        assertThrows(DataDirLock.InUse.class, () -> Hub.create(config));

        second = new HubProcess(root.resolve("hub.yaml"), root.resolve("second.log"));
        second.start();
        assertEquals(2, second.exitWithin(PATIENCE), second.log());
        assertTrue(second.log().contains("(pid " + ProcessHandle.current().pid()), second.log());
        hub.close();
    }

    /** What {@code systemctl stop} does: a unit whose process exits 143 would be marked failed. */
    @Test
    void sigtermStopsTheHubGracefullyWithExitCode0() throws Exception {
        setUp();
        first = new HubProcess(root.resolve("hub.yaml"), root.resolve("hub.log"));
        first.start();
        awaitRunning(first);

        assertEquals(0, first.stop(), "exit code after SIGTERM");
        String log = first.log();
        assertTrue(log.contains("SIGTERM: stopping gracefully"), log);
        assertTrue(log.contains("stopped gracefully"), log);
    }
}
