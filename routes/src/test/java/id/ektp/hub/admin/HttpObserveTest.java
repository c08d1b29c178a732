package id.ektp.hub.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.testing.HubTestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camel 4.12+ serves /observe/* from a management server of its own (default port 9876); the
 * ICD wants it on http.port. This checks what Camel 4.18.0 actually does with our settings.
 */
class HttpObserveTest {
    @TempDir
    Path root;
    HubTestEnvironment env;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        env.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndMetricsAreServedOnTheHubsOwnPort() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.startHub();

        HttpResponse<String> health = get("/observe/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("UP"), health.body());

        HttpResponse<String> metrics = get("/observe/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("camel_exchanges"), "Prometheus text with Camel's route metrics");

        // ... and on nothing else: no management server of its own on Camel's default port.
        assertTrue(env.httpPort() != 9876);
        boolean separate;
        try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", 9876)) {
            separate = true;
        } catch (java.io.IOException refused) {
            separate = false;
        }
        assertTrue(!separate, "no separate management server on 9876");
    }
}
