package id.ektp.hub.sandbox.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WanLinkTest {
    private ServerSocket echo;

    /** A server that sends back whatever it gets, on as many connections as asked. */
    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the line was cut
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void carriesBytesUnchangedAtTheLinesRateAndCountsThemEachWay() throws Exception {
        byte[] data = new byte[600_000];
        new Random(1).nextBytes(data);
        try (WanLink line = WanLink.to(echo.getLocalPort()).bytesPerSecond(1_000_000).start();
             Socket s = new Socket(InetAddress.getLoopbackAddress(), line.port())) {
            long start = System.nanoTime();
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> readAll(s, data.length));
            s.getOutputStream().write(data);
            assertArrayEquals(data, back.get());
            double seconds = (System.nanoTime() - start) / 1e9;
            // 600 kB through a 1 MB/s line, each way at once: at least ~0.55 s (one burst of
            // 50 kB may pass at once), and not very much more on an idle loopback.
            assertTrue(seconds > 0.5, "faster than the line: " + seconds + " s");
            assertTrue(seconds < 5, "much slower than the line: " + seconds + " s");
            assertEquals(data.length, line.bytesToServer());
            assertEquals(data.length, line.bytesToClient());
        }
    }

    @Test
    void aCutResetsOpenConnectionsRefusesNewOnesAndTheLineComesBack() throws Exception {
        try (WanLink line = WanLink.to(echo.getLocalPort()).bytesPerSecond(1_000_000).start();
             Socket s = new Socket(InetAddress.getLoopbackAddress(), line.port())) {
            s.getOutputStream().write(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, readAll(s, 3));

            line.cut();
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) { // a reset shows on a read, or on a write soon after
                    s.getOutputStream().write(new byte[1024]);
                    if (s.getInputStream().read() < 0) {
                        throw new IOException("closed");
                    }
                }
            });
            try (Socket during = new Socket(InetAddress.getLoopbackAddress(), line.port())) {
                during.setSoTimeout(5000);
                assertThrows(IOException.class, () -> {
                    if (during.getInputStream().read() < 0) {
                        throw new IOException("closed");
                    }
                });
            }
            assertEquals(1, line.cuts());

            line.restore();
            try (Socket after = new Socket(InetAddress.getLoopbackAddress(), line.port())) {
                after.getOutputStream().write(new byte[] {4});
                assertArrayEquals(new byte[] {4}, readAll(after, 1));
            }
        }
    }

    @Test
    void cutsComeByThemselvesAndTheDownTimeIsLeftOutOfTheUpTime() {
        try (WanLink line = WanLink.to(echo.getLocalPort()).cutEvery(Duration.ofMillis(300), Duration.ofMillis(300))
                .start()) {
            await().atMost(Duration.ofSeconds(5)).until(line::isDown);
            await().atMost(Duration.ofSeconds(5)).until(() -> !line.isDown() && line.cuts() >= 2);
            long up = line.upNanos();
            assertTrue(up > Duration.ofMillis(500).toNanos() && up < Duration.ofMillis(2000).toNanos(),
                    "up " + up / 1_000_000 + " ms");
        }
    }

    private static byte[] readAll(Socket s, int length) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[8192];
            while (got.size() < length) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                got.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return got.toByteArray();
    }
}
