package id.ektp.hub.app;

import id.ektp.hub.config.HubConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The command line's way to the running hub: its own HTTP API on {@code http.host:http.port},
 * with the admin token read from {@code http.adminTokenFile}, as any admin client would.
 */
final class AdminClient {
    record Response(int status, String body) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
        String token = Files.readString(config.http().adminTokenFile()).strip();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return send(request);
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
