package id.ektp.hub.up;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UP flow over the lines the kecamatan offices and the regency really have: 2 Mbit/s
 * (250,000 bytes/s each way), cut every few seconds ({@link WanLink} in front of the embedded
 * SFTP server). A transfer cut in the middle goes on from where it broke.
 */
class UpWanTest {
    private static final OffsetDateTime MORNING = OffsetDateTime.of(2026, 11, 23, 8, 0, 0, 0, ZoneOffset.ofHours(7));
    private static final long LINE = 250_000;

    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        if (env != null) {
            env.close();
        }
    }

    private static PacketSpec spec(String kecamatan, String device, int seq, long bytes) {
        return PacketSpec.builder().kecamatanCode(kecamatan).deviceId(device).sequence(seq)
                .capturedAt(MORNING.plusMinutes(seq)).targetBytes(bytes).seed(seq * 7919L).build();
    }

    private boolean inInbox(PacketSpec s) {
        return Files.exists(env.ministryInbox().resolve(s.packetId() + ".zip"));
    }

    /**
     * The case: a 12 MiB packet over a 2 Mbit/s kecamatan line cut every 12 s for 2 s
     * (before, it never arrived: every download began again from byte 0). It arrives byte-identical,
     * what crossed the line is not much more than the packet, and another device's packets keep
     * flowing meanwhile.
     */
    @Test
    void aTwelveMiBPacketOverACutKecamatanLineArrivesWholeWhileOtherDevicesKeepFlowing() throws Exception {
        env = HubTestEnvironment.create(root, List.of(new TestDevice("33.10.06", "TRC01")));
        try (WanLink line = WanLink.to(env.deviceServer().port()).bytesPerSecond(LINE)
                .cutEvery(Duration.ofSeconds(12), Duration.ofSeconds(2)).start()) {
            env.trustDeviceServerAt(line.port());
            env.addDevice(TestDevice.at("33.10.05", "CWS01", line.port(), "5s"));
            PacketSpec big = spec("33.10.05", "CWS01", 1, 12L * 1024 * 1024);
            Path zip = env.drop(big);
            long size = Files.size(zip);
            String sha = Spool.sha256Of(zip);
            Hub hub = env.startHub();

            // Meanwhile the other device's packets arrive as they are made, unaffected.
            for (int i = 2; i <= 4; i++) {
                await().atMost(Duration.ofSeconds(20)).until(() -> line.bytesToClient() > size / 5);
                PacketSpec small = spec("33.10.06", "TRC01", i, 64 * 1024);
                env.drop(small);
                await().atMost(Duration.ofSeconds(15)).until(() -> inInbox(small));
                assertFalse(inInbox(big), "the small packets did not wait for the big one");
            }

            await().atMost(Duration.ofSeconds(180)).until(() -> inInbox(big));
            assertEquals(sha, Spool.sha256Of(env.ministryInbox().resolve(big.packetId() + ".zip")));
            await().atMost(Duration.ofSeconds(20)).until(() -> names(env.outbox("CWS01")).isEmpty());
            assertTrue(line.cuts() >= 2, "the line was cut during the transfer: " + line.cuts());
            double perByte = (double) line.bytesToClient() / size;
            assertTrue(perByte < 1.1, "bytes over the line per packet byte: " + perByte);
            assertTrue(hub.packets().find(big.packetId()).isPresent());
        }
    }

    /**
     * Several packets over a line cut every 4 s: each crosses it about once. A packet made the
     * hub's just as the line broke is removed from the device at the next poll, not downloaded
     * again, and none waits for a group of packets that a cut never lets complete.
     */
    @Test
    void severalPacketsOverACutKecamatanLineEachCrossItAboutOnce() throws Exception {
        env = HubTestEnvironment.create(root, List.of());
        try (WanLink line = WanLink.to(env.deviceServer().port()).bytesPerSecond(500_000)
                .cutEvery(Duration.ofSeconds(4), Duration.ofSeconds(1)).start()) {
            env.trustDeviceServerAt(line.port());
            env.addDevice(TestDevice.at("33.10.05", "CWS01", line.port(), "5s"));
            List<PacketSpec> specs = new ArrayList<>();
            long total = 0;
            for (int i = 1; i <= 6; i++) {
                PacketSpec s = spec("33.10.05", "CWS01", i, 700 * 1024);
                total += Files.size(env.drop(s));
                specs.add(s);
            }
            env.startHub();
            await().atMost(Duration.ofSeconds(90)).until(() -> specs.stream().allMatch(this::inInbox));
            assertTrue(line.cuts() >= 2, "the line was cut during the transfers: " + line.cuts());
            double perByte = (double) line.bytesToClient() / total;
            assertTrue(perByte < 1.3, "bytes over the line per packet byte: " + perByte);
            await().atMost(Duration.ofSeconds(20)).until(() -> names(env.outbox("CWS01")).isEmpty());
        }
    }

    /**
     * The regency's own line to the ministry, cut every 4 s: every packet arrives byte-identical,
     * and at no moment does the inbox show a final name with fewer bytes than the packet.
     */
    @Test
    void packetsUpACutMinistryLineArriveWholeAndNeverAsAPartialFileUnderAFinalName() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        try (WanLink line = WanLink.to(env.ministryServer().port()).bytesPerSecond(LINE)
                .cutEvery(Duration.ofSeconds(4), Duration.ofSeconds(1)).start()) {
            env.withMinistryPort(line.port());
            List<PacketSpec> specs = new ArrayList<>();
            Map<String, Long> sizes = new HashMap<>();
            Map<String, String> shas = new HashMap<>();
            long total = 0;
            for (int i = 1; i <= 3; i++) {
                PacketSpec s = spec(i % 2 == 0 ? "33.10.06" : "33.10.05", i % 2 == 0 ? "TRC01" : "CWS01", i, 1024 * 1024);
                Path zip = env.drop(s);
                specs.add(s);
                sizes.put(s.packetId() + ".zip", Files.size(zip));
                shas.put(s.packetId() + ".zip", Spool.sha256Of(zip));
                total += Files.size(zip);
            }
            env.startHub();

            List<String> seenPartial = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5)).until(() -> {
                for (String name : names(env.ministryInbox())) {
                    Long expected = sizes.get(name);
                    if (expected != null) {
                        long there = Files.size(env.ministryInbox().resolve(name));
                        if (there != expected) {
                            seenPartial.add(name + " with " + there + " of " + expected + " bytes");
                        }
                    }
                }
                return specs.stream().allMatch(this::inInbox);
            });
            assertEquals(List.of(), seenPartial, "a final name is only ever a whole packet");
            for (PacketSpec s : specs) {
                String name = s.packetId() + ".zip";
                assertEquals(shas.get(name), Spool.sha256Of(env.ministryInbox().resolve(name)), name);
            }
            assertTrue(line.cuts() >= 1, "the line was cut during the uploads");
            double perByte = (double) line.bytesToServer() / total;
            assertTrue(perByte < 1.3, "bytes over the line per packet byte: " + perByte);
        }
    }

    /**
     * A crash between removing {@code X.zip} and its {@code X.zip.done} leaves the done file
     * alone on the device; once the hub holds the packet it is removed at the next poll. A lone
     * done file of a packet the hub does not hold is not the hub's to remove.
     */
    @Test
    void aDoneFileWhoseZipIsGoneIsRemovedAtTheNextPollOnceTheHubHoldsThePacket() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        PacketSpec held = spec("33.10.05", "CWS01", 1, 64 * 1024);
        env.drop(held);
        env.startHub();
        await().atMost(Duration.ofSeconds(30)).until(() -> inInbox(held) && names(env.outbox("CWS01")).isEmpty());

        Path orphan = Files.writeString(env.outbox("CWS01").resolve(held.packetId() + ".zip.done"), "");
        Path unknown = Files.writeString(env.outbox("CWS01").resolve("3310059999990001-20261123-0001.zip.done"), "");
        await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(orphan));
        PacketSpec next = spec("33.10.05", "CWS01", 2, 64 * 1024);
        env.drop(next);
        await().atMost(Duration.ofSeconds(20)).until(() -> inInbox(next));
        assertTrue(Files.exists(unknown), "a done file of a packet the hub never had stays");
    }
}
