package id.ektp.hub.app;

import id.ektp.hub.config.HubConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The command line's way to the running hub: its own HTTP API on {@code http.host:http.port},
 * with the admin token read from {@code http.adminTokenFile}, as any admin client would.
 */
final class AdminClient {
    record Response(int status, String body) {}

    // HTTP/1.1: the JDK client otherwise asks the hub's server (Vert.x) to upgrade a plain
    // connection to HTTP/2 (h2c), and a large answer over such an upgraded connection was seen
    // to stall; there is nothing to gain from HTTP/2 on a loopback admin call.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final HubConfig config;

    AdminClient(HubConfig config) {
        this.config = config;
        String host = config.http().host().equals("0.0.0.0") ? "127.0.0.1" : config.http().host();
        this.base = URI.create("http://" + host + ":" + config.http().port());
    }

    /** For the read-only calls ({@link #get}) only, to a hub at {@code base} ({@code http://host:port}). */
    AdminClient(URI base) {
        this.config = null;
        this.base = base;
    }

    Response post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = authorized(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return send(request);
    }

    Response delete(String path) throws IOException, InterruptedException {
        return send(authorized(path).DELETE().build());
    }

    /** {@code id} as one path segment: quarantine ids are plain, but never trust that in a URL. */
    static String segment(String id) {
        StringBuilder out = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private HttpRequest.Builder authorized(String path) throws IOException {
        String token = Files.readString(config.http().adminTokenFile()).strip();
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (ConnectException e) {
            throw new IOException("the hub is not answering on " + base + " (is it running with this configuration?)", e);
        }
    }
}
