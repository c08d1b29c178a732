package id.ektp.hub.app;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.sandbox.net.WanLink;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transfer cut by the line, resumed, and then the hub SIGKILLed in the middle of the resumed
 * transfer: after the restart it goes on from what the hub's disk says was safely there (the
 * partial download's durable length; the upload's acknowledged offset), and the packet arrives
 * byte-identical, once, without the whole packet crossing the line again.
 */
class ResumedTransferKillTest {
    private static final OffsetDateTime MORNING = OffsetDateTime.of(2026, 11, 23, 8, 0, 0, 0, ZoneOffset.ofHours(7));
    private static final long RATE = 500_000;

    @TempDir
    Path root;
    HubTestEnvironment env;
    HubProcess hub;

    @AfterEach
    void stop() throws InterruptedException {
        if (hub != null) {
            hub.close();
        }
        env.close();
    }

    private static PacketSpec packet() {
        return PacketSpec.builder().kecamatanCode("33.10.05").deviceId("CWS01").sequence(1)
                .capturedAt(MORNING).targetBytes(3L * 1024 * 1024).seed(42).build();
    }

    private String log() throws Exception {
        Path log = root.resolve("hub.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void killedInTheMiddleOfAResumedDownloadItGoesOnFromTheDurableLength() throws Exception {
        env = HubTestEnvironment.create(root, List.of());
        try (WanLink line = WanLink.to(env.deviceServer().port()).bytesPerSecond(RATE).start()) {
            env.trustDeviceServerAt(line.port());
            env.addDevice(TestDevice.at("33.10.05", "CWS01", line.port(), "5s"));
            PacketSpec p = packet();
            Path zip = env.drop(p);
            long size = Files.size(zip);
            String sha = Spool.sha256Of(zip);
            env.config();
            hub = new HubProcess(root.resolve("hub.yaml"), root.resolve("hub.log"));

            hub.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> line.bytesToClient() > size / 4);
            line.cut();
            line.restore();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> log().contains("resuming " + p.fileName()) && line.bytesToClient() > size * 6 / 10);
            hub.kill();
            long beforeRestart = line.bytesToClient();

            hub.start();
            Path arrived = env.ministryInbox().resolve(p.fileName());
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(arrived));
            assertEquals(sha, Spool.sha256Of(arrived));
            await().atMost(Duration.ofSeconds(30)).until(() -> names(env.outbox("CWS01")).isEmpty());
            String afterRestart = log().substring(log().lastIndexOf("ektp-hub for"));
            assertTrue(afterRestart.contains("resuming " + p.fileName()), "the download was resumed after the kill");
            long afterKill = line.bytesToClient() - beforeRestart;
            assertTrue(afterKill < size * 3 / 4, afterKill + " bytes after the restart for a packet of " + size
                    + ": the bytes on disk before the kill were not fetched again");
            assertEquals(List.of(), names(env.dataDir().resolve("spool/incoming")));
        }
    }

    @Test
    void killedInTheMiddleOfAResumedUploadItGoesOnFromTheAcknowledgedOffset() throws Exception {
        env = HubTestEnvironment.create(root, List.of(new TestDevice("33.10.05", "CWS01")));
        try (WanLink line = WanLink.to(env.ministryServer().port()).bytesPerSecond(RATE).start()) {
            env.withMinistryPort(line.port());
            PacketSpec p = packet();
            Path zip = env.drop(p);
            long size = Files.size(zip);
            String sha = Spool.sha256Of(zip);
            env.config();
            hub = new HubProcess(root.resolve("hub.yaml"), root.resolve("hub.log"));
            Path part = env.ministryInbox().resolve(p.fileName() + ".part");
            Path arrived = env.ministryInbox().resolve(p.fileName());

            hub.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(part) && Files.size(part) > size / 4);
            line.cut();
            line.restore();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> log().contains("resuming the upload of " + p.fileName()) && Files.size(part) > size * 6 / 10);
            hub.kill();
            long beforeRestart = line.bytesToServer();

            hub.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(arrived));
            assertEquals(sha, Spool.sha256Of(arrived));
            assertEquals(List.of(p.fileName()), names(env.ministryInbox()), "once, and no .part left");
            String afterRestart = log().substring(log().lastIndexOf("ektp-hub for"));
            assertTrue(afterRestart.contains("resuming the upload of " + p.fileName()), "the upload was resumed after the kill");
            long afterKill = line.bytesToServer() - beforeRestart;
            assertTrue(afterKill < size * 3 / 4, afterKill + " bytes after the restart for a packet of " + size
                    + ": the acknowledged bytes were not sent again");
            assertEquals(List.of(), names(env.dataDir().resolve("spool/uploads")));
        }
    }
}
