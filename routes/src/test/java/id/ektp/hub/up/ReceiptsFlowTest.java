package id.ektp.hub.up;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receipts to devices (ICD §1): each state a packet reaches is written to its device's
 * {@code receipts/} as {@code <packetId>.receipt.json}, newest state only, through the embedded
 * SFTP server; a device that is down gets them when it is back, and the others meanwhile go on.
 */
class ReceiptsFlowTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;
    Hub hub;

    @BeforeEach
    void start() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        hub = env.startHub();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    private Path receipt(String deviceId, String packetId) {
        return env.deviceHome(deviceId).resolve("receipts").resolve(packetId + ".receipt.json");
    }

    /** The receipt on the device, once it says {@code state}. */
    private JsonNode awaitReceipt(String deviceId, String packetId, String state) {
        Path file = receipt(deviceId, packetId);
        JsonNode[] seen = new JsonNode[1];
        await().atMost(PATIENCE).until(() -> {
            if (!Files.exists(file)) {
                return false;
            }
            String text = Files.readString(file);
            seen[0] = Messages.json().readTree(text);
            if (!state.equals(seen[0].path("state").asText())) {
                return false;
            }
            Contracts.assertReceipt(text);
            return true;
        });
        return seen[0];
    }

    private void result(String packetId, String status) {
        String extra = status.equals("DUPLICATE")
                ? ",\"duplicateOf\":{\"kecamatanCode\":\"33.10.14\",\"recordedOn\":\"2016-03-02\"}" : "";
        broker.send(Queues.packetResults("3310"), "{\"schema\":\"ektp.packet-result/1\",\"packetId\":\"" + packetId
                + "\",\"regencyCode\":\"33.10\",\"status\":\"" + status + "\",\"at\":\"2026-11-25T10:02:00+07:00\"" + extra + "}",
                Map.of(Queues.MESSAGE_ID, UUID.randomUUID().toString()));
    }

    private void awaitForwarded(String packetId) {
        await().atMost(PATIENCE).until(() -> hub.packets().find(packetId)
                .map(r -> r.state() == PacketState.FORWARDED).orElse(false));
    }

    @Test
    void eachStateOfAPacketIsItsDevicesReceiptWithTheIcdsFieldsOnly() throws Exception {
        PacketSpec good = PacketSpec.builder().sequence(1).build();
        PacketSpec bad = PacketSpec.builder().sequence(2).seed(2).defect(PacketDefect.CHECKSUM_MISMATCH).build();
        env.drop(good);
        env.drop(bad);

        JsonNode forwarded = awaitReceipt("CWS01", good.packetId(), "FORWARDED");
        assertEquals(List.of("schema", "packetId", "state", "at", "detail"), fields(forwarded));
        assertEquals("ektp.packet-receipt/1", forwarded.get("schema").asText());
        assertEquals(good.packetId(), forwarded.get("packetId").asText());
        assertTrue(forwarded.get("at").asText().endsWith("+07:00"), forwarded.toString());
        JsonNode quarantined = awaitReceipt("CWS01", bad.packetId(), "QUARANTINED");
        assertTrue(quarantined.get("detail").asText().contains("CHECKSUM_MISMATCH"), quarantined.toString());

        result(good.packetId(), "DUPLICATE");
        JsonNode duplicate = awaitReceipt("CWS01", good.packetId(), "DUPLICATE");
        assertEquals("already recorded at 33.10.14 on 2016-03-02: the resident must come to the regency office",
                duplicate.get("detail").asText());
        result(good.packetId(), "RECEIVED"); // never moves the receipt back
        await().atMost(PATIENCE).until(() -> broker.queueSize(Queues.packetResults("3310")) == 0);

        assertEquals(List.of(good.packetId() + ".receipt.json", bad.packetId() + ".receipt.json"),
                HubTestEnvironment.names(env.deviceHome("CWS01").resolve("receipts")), "no temp file left, one per packet");
        for (Path file : List.of(receipt("CWS01", good.packetId()), receipt("CWS01", bad.packetId()))) {
            String text = Files.readString(file);
            assertFalse(text.contains(good.nik()) || text.contains(bad.nik()), "no NIK in a receipt: " + text);
        }
        assertEquals("DUPLICATE", Messages.json().readTree(Files.readString(receipt("CWS01", good.packetId())))
                .get("state").asText());
    }

    @Test
    void aDeviceThatIsDownGetsItsReceiptsWhenItIsBackWhileTheOtherDevicesGoOn() throws Exception {
        PacketSpec cawas = PacketSpec.builder().sequence(1).build();
        env.drop(cawas);
        awaitReceipt("CWS01", cawas.packetId(), "FORWARDED");

        env.deviceServer().refuseLogins("cws01", true);
        env.deviceServer().disconnectUser("cws01");
        result(cawas.packetId(), "ENROLLED");
        await().atMost(PATIENCE).until(() -> hub.packetResults().find(cawas.packetId()).isPresent());
        List<String> trucuk = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            PacketSpec spec = PacketSpec.builder().kecamatanCode("33.10.06").deviceId("TRC01").sequence(i).seed(10 + i).build();
            env.drop(spec);
            trucuk.add(spec.packetId());
        }
        for (String id : trucuk) {
            awaitForwarded(id);
            awaitReceipt("TRC01", id, "FORWARDED");
        }
        // Several passes of Cawas's receipts route have failed by now: its receipt waits on the hub.
        assertEquals("FORWARDED", Messages.json().readTree(Files.readString(receipt("CWS01", cawas.packetId())))
                .get("state").asText());
        assertNull(hub.receipts().find(cawas.packetId()).orElseThrow().sentAt());
        assertEquals(1, hub.receipts().unsentByDevice().get("331005-CWS01").count());

        env.deviceServer().refuseLogins("cws01", false);
        awaitReceipt("CWS01", cawas.packetId(), "ENROLLED");
        await().atMost(PATIENCE).until(() -> !hub.receipts().unsentByDevice().containsKey("331005-CWS01"));
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
