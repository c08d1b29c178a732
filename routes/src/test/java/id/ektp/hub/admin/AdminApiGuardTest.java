package id.ektp.hub.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.HubTestEnvironment;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What guards the admin API before a call does anything: the token as its file holds it now
 * (rotated, emptied, removed), and a body limit that answers a large request before it is read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiGuardTest {
    @TempDir
    static Path root;
    HubTestEnvironment env;
    Hub hub;
    Path tokenFile;
    final HttpClient http = Contracts.http(); // every /api call checked against openapi.json

    @BeforeAll
    void start() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        hub = env.startHub();
        tokenFile = root.resolve("secrets/admin.token");
    }

    @AfterAll
    void stop() {
        env.close();
    }

    /** The answer to a release of an item that does not exist: 404 once the token is taken, 401 before. */
    int probe(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + "/api/quarantine/nope/release"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aRotatedTokenTakesEffectAtOnceAndAFileWithoutOneRefusesEveryCall() throws Exception {
        assertEquals(404, probe("test-secret"));

        // Rotated as an admin would: a new file moved over the old one.
        Path fresh = tokenFile.resolveSibling("admin.token.new");
        Files.writeString(fresh, "rotated-secret-1\n");
        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-------"));
        Files.move(fresh, tokenFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals(401, probe("test-secret"), "the revoked token is refused");
        assertEquals(404, probe("rotated-secret-1"));

        // Rewritten in place with a token of the same length, in the same second.
        Files.writeString(tokenFile, "rotated-secret-2\n");
        assertEquals(401, probe("rotated-secret-1"));
        assertEquals(404, probe("rotated-secret-2"));

        Files.writeString(tokenFile, "  \n");
        assertEquals(401, probe("rotated-secret-2"), "an empty file keeps no old token alive");
        assertEquals(401, probe(""));
        Files.delete(tokenFile);
        assertEquals(401, probe("rotated-secret-2"), "nor does a missing one");

        Files.writeString(tokenFile, "test-secret\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        assertEquals(404, probe("test-secret"), "a token in the file again is taken");
    }

    /**
     * 1 MiB announced, a few bytes sent: the hub answers 413 from the header alone. Without a
     * limit it would wait for the rest of the body to buffer it, and this read would time out.
     */
    @Test
    void aLargeBodyIsRefusedBeforeItIsRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", env.httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/stock/arrivals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1048576\r\n\r\n{\"allocationId\": ").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = firstLine(socket.getInputStream());
            assertTrue(statusLine.startsWith("HTTP/1.1 413"), statusLine);
        }

        // A whole 1 MiB body sent without a token (chunked, so nothing announces its size).
        byte[] large = new byte[1 << 20];
        java.util.Arrays.fill(large, (byte) ' ');
        int status;
        try {
            status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + "/api/stock/requests"))
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large)))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (java.io.IOException e) {
            status = -1; // the hub may close the connection on the rest of the body once it answered
        }
        assertTrue(status == 413 || status == -1, "refused: " + status);

        // A call of the usual size still works.
        hub.ledger().announce(new Allocation("ALLOC-G", 10, "BLK2026G0000001", "BLK2026G0000010",
                "2026-11-20T10:00:00+07:00", Instant.now(), null, null));
        HttpResponse<String> arrival = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort()
                        + "/api/stock/arrivals")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"allocationId\": \"ALLOC-G\", \"received\": 10, \"note\": \""
                        + "x".repeat(4000) + "\"}"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + env.adminToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, arrival.statusCode(), arrival.body());
    }

    private static String firstLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().strip();
    }
}
