package id.ektp.hub.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PacketResults;
import id.ektp.hub.store.Receipts;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub as its own process, SIGKILLed after it committed a ministry result and before that
 * result's receipt reached the device (the device is down, so the kill lands in that window
 * every time): started again, it still writes the receipt once the device is back.
 */
class ReceiptKillAndRestartTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);

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

    @Test
    void aResultCommittedBeforeAKillStillReachesTheDeviceAfterTheRestart() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        env.config();
        hub = new HubProcess(root.resolve("hub.yaml"), root.resolve("hub.log"));
        PacketSpec packet = PacketSpec.builder().sequence(1).build();
        Path receipt = env.deviceHome("CWS01").resolve("receipts").resolve(packet.packetId() + ".receipt.json");

        env.drop(packet);
        hub.start();
        await().atMost(PATIENCE).until(() -> "FORWARDED".equals(state(receipt)));
        env.deviceServer().refuseLogins("cws01", true);
        env.deviceServer().disconnectUser("cws01");
        broker.send("EKTP.PACKET.RESULTS.3310", "{\"schema\":\"ektp.packet-result/1\",\"packetId\":\"" + packet.packetId()
                + "\",\"regencyCode\":\"33.10\",\"status\":\"ENROLLED\",\"at\":\"2026-11-25T10:02:00+07:00\"}",
                Map.of("EktpMessageId", UUID.randomUUID().toString()));
        hub.killOnceRunning(() -> read(store -> new PacketResults(store).find(packet.packetId())
                .map(PacketResults.Result::status)).orElse(Optional.empty()).isPresent());

        assertEquals("ENROLLED", read(store -> new PacketResults(store).find(packet.packetId())
                .map(PacketResults.Result::status).orElseThrow()).orElseThrow(), "committed before the kill");
        assertEquals("FORWARDED", state(receipt), "the device has not heard of it");
        assertEquals(Optional.of(Optional.empty()), read(store -> new Receipts(store).find(packet.packetId())
                .map(Receipts.Receipt::sentAt)), "the ENROLLED receipt is owed, on the hub's disk only");

        env.deviceServer().refuseLogins("cws01", false);
        hub.start();
        await().atMost(PATIENCE).until(() -> "ENROLLED".equals(state(receipt)));
        assertEquals(0, broker.queueSize("EKTP.PACKET.RESULTS.3310"), "the result was taken once, not redelivered");
    }

    private static String state(Path receipt) {
        try {
            return Files.exists(receipt) ? new ObjectMapper().readTree(Files.readString(receipt)).path("state").asText() : null;
        } catch (Exception e) {
            return null; // being replaced: read again
        }
    }

    /** A reading of the store beside the hub (read-only); empty when it is busy or not there yet. */
    private <T> Optional<T> read(StoreReading<T> reading) {
        try (HubStore store = HubStore.openReadOnly(env.dataDir())) {
            return Optional.ofNullable(reading.read(store));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @FunctionalInterface
    private interface StoreReading<T> {
        T read(HubStore store) throws Exception;
    }
}
