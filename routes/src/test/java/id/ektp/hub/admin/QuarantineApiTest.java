package id.ektp.hub.admin;

import static id.ektp.hub.admin.QuarantineCalls.events;
import static id.ektp.hub.admin.QuarantineCalls.itemFor;
import static id.ektp.hub.admin.QuarantineCalls.json;
import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quarantine calls of ICD section 4 over real HTTP, against real SFTP peers: list, release
 * ("check again and forward if now valid") and drop, with the token rule and their answers.
 */
class QuarantineApiTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @TempDir
    Path root;
    HubTestEnvironment env;
    final QuarantineCalls calls = new QuarantineCalls(() -> env.httpPort());

    @AfterEach
    void stop() {
        env.close();
    }

    static PacketSpec.Builder packet(int seq) {
        return PacketSpec.builder().kecamatanCode("33.10.05").deviceId("CWS01").sequence(seq).seed(seq * 31L)
                .targetBytes(8 * 1024);
    }

    @Test
    void aPacketValidAfterAConfigEditIsReleasedAndForwardedExactlyOnce() throws Exception {
        // The office first ran with too small a limit: a normal packet was refused as TOO_LARGE.
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES)
                .withExtraYaml("limits: {maxPacketBytes: 4194304}\n");
        Hub hub = env.startHub();
        PacketSpec big = packet(1).targetBytes(4608 * 1024).build();
        PacketSpec broken = packet(2).defect(PacketDefect.CHECKSUM_MISMATCH).build();
        NotifyBuilder checked = Exchanges.of(hub).checked(big.packetId(), broken.packetId());
        String deviceSha = Spool.sha256Of(env.drop(big));
        env.drop(broken);
        Exchanges.await(checked, PATIENCE, "both packets checked");
        assertEquals(2, hub.quarantine().held().size());

        JsonNode list = json(calls.get("/api/quarantine"), 200);
        assertEquals(2, list.get("count").asInt());
        JsonNode item = itemFor(list, big.packetId());
        assertEquals("TOO_LARGE", item.get("reason").asText());
        assertEquals("UP", item.get("flow").asText());
        assertEquals("33.10.05/CWS01", item.get("source").asText());
        assertEquals("HELD", item.get("state").asText());
        assertEquals("quarantine/packets/" + big.packetId() + ".zip", item.get("file").asText());
        assertFalse(item.get("since").asText().isBlank());

        // Released under the same limit, it is still too large: 409, still held.
        JsonNode refused = json(calls.post("/api/quarantine/" + big.packetId() + "/release", env.adminToken()), 409);
        assertEquals("TOO_LARGE", refused.at("/item/reason").asText(), refused.toString());
        assertEquals("HELD", refused.at("/item/state").asText());

        // The admin raises limits.maxPacketBytes (back to the default) and restarts the hub.
        hub.close();
        env.withExtraYaml("");
        Hub edited = env.startHub();

        // A packet whose bytes are bad stays bad: 409 with the reason found now, file kept.
        JsonNode stillBad = json(calls.post("/api/quarantine/" + broken.packetId() + "/release", env.adminToken()), 409);
        assertEquals("CHECKSUM_MISMATCH", stillBad.at("/item/reason").asText(), stillBad.toString());
        assertTrue(stillBad.get("error").asText().startsWith("still invalid"), stillBad.toString());
        assertTrue(Files.exists(env.dataDir().resolve("quarantine/packets/" + broken.packetId() + ".zip")));

        NotifyBuilder forwarded = Exchanges.of(edited).forwarded(big.packetId());
        JsonNode released = json(calls.post("/api/quarantine/" + big.packetId() + "/release", env.adminToken()), 200);
        assertEquals("RELEASED", released.get("state").asText());
        assertFalse(released.get("alreadyReleased").asBoolean());
        Path arrived = env.ministryInbox().resolve(big.fileName());
        Exchanges.await(forwarded, PATIENCE, "the released packet forwarded");
        assertTrue(Files.exists(arrived));
        assertEquals(PacketState.FORWARDED, edited.packets().find(big.packetId()).orElseThrow().state());
        assertEquals(deviceSha, Spool.sha256Of(arrived), "forwarded byte-identical");
        assertFalse(Files.exists(env.dataDir().resolve("quarantine/packets/" + big.fileName())));
        Files.delete(arrived); // the ministry took it

        // Released again: nothing more happens.
        JsonNode again = json(calls.post("/api/quarantine/" + big.packetId() + "/release", env.adminToken()), 200);
        assertTrue(again.get("alreadyReleased").asBoolean());
        // A later packet of the same device: forwarding is first-captured-first, so once it has
        // arrived, a second copy of the released one would have arrived before it.
        PacketSpec later = packet(3).build();
        NotifyBuilder laterForwarded = Exchanges.of(edited).forwarded(later.packetId());
        env.drop(later);
        Exchanges.await(laterForwarded, PATIENCE, "the later packet forwarded");
        assertEquals(List.of(later.fileName()), names(env.ministryInbox()), "the released packet went once");
        assertEquals(1, auditEvents(edited, "packet:" + big.packetId()).stream().filter("FORWARDED"::equals).count());

        JsonNode after = json(calls.get("/api/quarantine"), 200);
        assertEquals(1, after.get("count").asInt());
        assertEquals(broken.packetId(), after.at("/items/0/subject").asText());
        JsonNode history = json(calls.get("/api/quarantine/" + big.packetId()), 200);
        assertEquals(List.of("HELD", "RECHECKED", "RELEASED"), events(history));
    }

    @Test
    void tokensUnknownIdsDuplicatesAndDrop() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        PacketSpec original = packet(7).build();
        NotifyBuilder taken = exchanges.taken(original.packetId());
        NotifyBuilder forwarded = exchanges.forwarded(original.packetId());
        env.drop(original);
        Path arrived = env.ministryInbox().resolve(original.fileName());
        Exchanges.await(forwarded, PATIENCE, "the packet forwarded");
        Files.delete(arrived);
        Exchanges.await(taken, PATIENCE, "the packet taken off the device"); // the device's copy removed
        NotifyBuilder impostorTaken = exchanges.taken(original.packetId());
        env.drop(original.toBuilder().seed(999).build()); // another packet under the same id
        Exchanges.await(impostorTaken, PATIENCE, "the other packet under the same id taken off the device");
        assertEquals(1, hub.quarantine().held().size());
        String dupId = hub.quarantine().held().get(0).quarantineId();
        assertEquals("DUPLICATE_PACKET_ID", hub.quarantine().held().get(0).reason());

        // Without the token, or with a wrong one, nothing is released or dropped.
        String release = "/api/quarantine/" + dupId + "/release";
        assertEquals(401, calls.post(release, null).statusCode());
        assertEquals(401, calls.post(release, "wrong").statusCode());
        HttpResponse<String> noToken = calls.delete("/api/quarantine/" + dupId, null);
        assertEquals(401, noToken.statusCode());
        assertTrue(Messages.json().readTree(noToken.body()).get("error").asText().contains("Bearer"), noToken.body());
        assertEquals(401, calls.delete("/api/quarantine/" + dupId, "wrong").statusCode());
        assertEquals("HELD", hub.quarantine().find(dupId).orElseThrow().state());

        // Unknown ids are 404, a bad query 400 naming the parameter.
        assertTrue(json(calls.post("/api/quarantine/no-such-item/release", env.adminToken()), 404)
                .get("error").asText().contains("no-such-item"));
        assertEquals(404, calls.delete("/api/quarantine/no-such-item", env.adminToken()).statusCode());
        assertEquals(404, calls.get("/api/quarantine/no-such-item").statusCode());
        assertTrue(json(calls.get("/api/quarantine?all=maybe"), 400).get("error").asText().startsWith("all must be"));

        // A duplicate packet id is never forwarded by a release: 409 saying why, still held.
        JsonNode refused = json(calls.post(release, env.adminToken()), 409);
        assertTrue(refused.get("error").asText().contains("never forwards a second packet under the same id"),
                refused.toString());
        assertEquals("HELD", refused.at("/item/state").asText());
        assertEquals(List.of(), names(env.ministryInbox()));
        assertEquals(PacketState.FORWARDED, hub.packets().find(original.packetId()).orElseThrow().state());

        // Dropped: gone from the list and from disk, kept in the audit trail.
        Path file = env.dataDir().resolve("quarantine").resolve(hub.quarantine().find(dupId).orElseThrow().fileName());
        assertTrue(Files.exists(file));
        JsonNode dropped = json(calls.delete("/api/quarantine/" + dupId, env.adminToken()), 200);
        assertEquals("DROPPED", dropped.get("state").asText());
        assertFalse(Files.exists(file));
        assertEquals(0, json(calls.get("/api/quarantine"), 200).get("count").asInt());
        JsonNode all = json(calls.get("/api/quarantine?all=true"), 200);
        assertEquals("DROPPED", itemFor(all, original.packetId()).get("state").asText());
        assertEquals(List.of("HELD", "RECHECKED", "DROPPED"), events(json(calls.get("/api/quarantine/" + dupId), 200)));
        assertTrue(json(calls.delete("/api/quarantine/" + dupId, env.adminToken()), 200).get("alreadyDropped").asBoolean());
        assertTrue(json(calls.post(release, env.adminToken()), 409).get("error").asText().contains("dropped"));
    }









    private static List<String> auditEvents(Hub hub, String subject) {
        HubStore store = hub.camelContext().getRegistry().lookupByNameAndType("hubStore", HubStore.class);
        return store.read(c -> {
            List<String> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT event FROM audit WHERE subject = ? ORDER BY seq")) {
                ps.setString(1, subject);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(rs.getString(1));
                    }
                }
            }
            return events;
        });
    }

    @Test
    void aReleaseAndADropACrashCutShortAreFinishedAtTheNextStart() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES)
                .withExtraYaml("limits: {maxPacketBytes: 4194304}\n");
        Hub hub = env.startHub();
        PacketSpec big = packet(11).targetBytes(4608 * 1024).build();
        PacketSpec broken = packet(12).defect(PacketDefect.CHECKSUM_MISMATCH).build();
        NotifyBuilder checked = Exchanges.of(hub).checked(big.packetId(), broken.packetId());
        String deviceSha = Spool.sha256Of(env.drop(big));
        env.drop(broken);
        Exchanges.await(checked, PATIENCE, "both packets checked");
        assertEquals(2, hub.quarantine().held().size());
        hub.close();

        // The crash window: both changes committed, as the release and the drop commit them,
        // and the files not yet moved on (the move comes after the commit).
        Path bigFile = env.dataDir().resolve("quarantine/packets/" + big.packetId() + ".zip");
        Path brokenFile = env.dataDir().resolve("quarantine/packets/" + broken.packetId() + ".zip");
        assertTrue(Files.exists(bigFile) && Files.exists(brokenFile));
        try (HubStore store = HubStore.open(env.dataDir())) {
            var quarantine = new id.ektp.hub.store.QuarantineRecords(store, java.time.Clock.systemUTC());
            var packets = new id.ektp.hub.store.PacketRecords(store, java.time.Clock.systemUTC());
            store.transact(c -> {
                assertTrue(quarantine.release(big.packetId(), "released by an operator"));
                packets.markOutbound(big.packetId(), big.capturedAt().toInstant());
                return null;
            });
            assertTrue(quarantine.drop(broken.packetId(), "dropped by an operator"));
        }

        // Started again, with the limit the release was checked against.
        env.withExtraYaml("limits: {maxPacketBytes: 8388608}\n");
        Supplier<NotifyBuilder> recovered = env.atNextStart(Exchanges::quarantineRecovered);
        Supplier<NotifyBuilder> forwarded = env.atNextStart(on -> on.forwarded(big.packetId()));
        Hub again = env.startHub();
        Exchanges.await(recovered.get(), PATIENCE, "the interrupted release and drop finished");
        assertFalse(Files.exists(brokenFile), "the dropped file is gone");
        assertFalse(Files.exists(bigFile), "the released file left quarantine");
        Exchanges.await(forwarded.get(), PATIENCE, "the released packet forwarded");
        assertEquals(PacketState.FORWARDED, again.packets().find(big.packetId()).orElseThrow().state());
        assertEquals(deviceSha, Spool.sha256Of(env.ministryInbox().resolve(big.packetId() + ".zip")), "byte-identical");
        assertEquals(List.of(big.packetId() + ".zip"), names(env.ministryInbox()), "forwarded once; the dropped one never");
    }

    @Test
    void aNikInADevicesFileNameNeverShowsInTheListsAnyoneCanRead() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        String nik = "3310054507900001";
        Path zip = env.outbox("CWS01").resolve(nik + ".zip");
        NotifyBuilder taken = Exchanges.of(hub).taken(nik + ".zip");
        Files.write(zip, new byte[] {'P', 'K', 3, 4});
        Files.createFile(env.outbox("CWS01").resolve(nik + ".zip.done"));
        Exchanges.await(taken, PATIENCE, "the file taken off the device");
        assertEquals(1, hub.quarantine().held().size());

        String list = calls.get("/api/quarantine").body();
        assertFalse(list.contains(nik), list);
        assertTrue(list.contains("331005"), "the region part stays, so the operator can still tell the file: " + list);
        String id = json(calls.get("/api/quarantine"), 200).at("/items/0/id").asText();
        assertFalse(id.contains(nik), id);
        assertEquals(200, calls.get("/api/quarantine/" + id).statusCode(), "the masked id is the item's real id");
        String status = calls.get("/api/status").body();
        assertFalse(status.contains(nik), status);
    }
}
