package id.ektp.hub.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.PrintJobState;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the sandbox starts, and packets move and get rejected in it. */
class SandboxTest {
    @TempDir
    Path dir;

    @Test
    void packetsFlowFromSimulatedDevicesToTheSimulatedMinistryAndBadOnesAreQuarantined() throws Exception {
        Sandbox.Ports ports = new Sandbox.Ports(freePort(), freePort(), freePort(), freePort());
        Sandbox.Pace pace = new Sandbox.Pace(Duration.ofMillis(300), 0.3, Duration.ofSeconds(4), Duration.ofSeconds(2),
                Duration.ofSeconds(6), Duration.ZERO, Duration.ofSeconds(1));
        try (Sandbox sandbox = Sandbox.start(dir, ports, pace)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.ministry().received() >= 5
                    && !sandbox.hub().quarantine().held().isEmpty());
            // The link drops every few seconds here; forwarding carries on after each drop.
            int before = sandbox.ministry().received();
            await().atMost(Duration.ofSeconds(60)).until(() -> !sandbox.ministry().isLinkUp());
            await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.ministry().isLinkUp()
                    && sandbox.ministry().received() > before + 3);
            assertTrue(sandbox.hub().packets().backlog().get(PacketState.FORWARDED).count() >= 5);

            // DOWN: the ministry turns packets into PRR batches, the simulated printers print them,
            // and every print uses a blank from the starting stock.
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    sandbox.hub().printJobs().backlog().get(PrintJobState.PRINTED).count() >= 3);
            assertTrue(sandbox.hub().stock().snapshot().onHand() < Sandbox.STARTING_STOCK, "stock falls as printers print");
            // DKC-2 is reached over SFTP (Wedi and Bayat): its jobs go out and its results come back too.
            await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.hub().printJobs()
                    .inState(PrintJobState.PRINTED, 10_000).stream().anyMatch(j -> "DKC-2".equals(j.printerId())));

            // The journey: the ministry answers, devices get receipts, residents who must come in are
            // followed up, and a resident listed in residents.txt can be looked up at the counter.
            await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.hub().packetResults().forwardedByStatus()
                    .getOrDefault("ENROLLED", 0L) >= 3 && !sandbox.hub().followUps().open().isEmpty());
            await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.devices().stream()
                    .anyMatch(d -> d.receiptsByState().getOrDefault("ENROLLED", 0) > 0));
            // Only residents whose packets the hub forwarded are listed: each one the counter finds.
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("residents.txt"))
                    && Files.readAllLines(dir.resolve("residents.txt")).stream().anyMatch(l -> !l.startsWith("#")));
            String nik = Files.readAllLines(dir.resolve("residents.txt")).stream().filter(l -> !l.startsWith("#"))
                    .map(l -> l.substring(0, 16)).findFirst().orElseThrow();
            String token = Files.readString(dir.resolve("secrets/admin.token")).strip();
            HttpResponse<String> journey = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.http() + "/api/lookup"))
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"nik\":\"" + nik + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, journey.statusCode(), journey.body());
            assertTrue(journey.body().contains("\"found\":true"), journey.body());

            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir.resolve("secrets/admin.token"));
            assertTrue(!perms.contains(PosixFilePermission.OTHERS_READ) && !perms.contains(PosixFilePermission.GROUP_READ),
                    "generated secrets are owner-only: " + perms);
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(dir.resolve("residents.txt")), "the residents' NIKs are owner-only");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
