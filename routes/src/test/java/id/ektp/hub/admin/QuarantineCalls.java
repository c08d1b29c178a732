package id.ektp.hub.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.testing.Contracts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/** The quarantine calls of ICD section 4 as the tests make them, over real HTTP, and readings of their answers. */
final class QuarantineCalls {
    private final HttpClient http = Contracts.http(); // every /api call checked against openapi.json
    private final IntSupplier port;

    QuarantineCalls(IntSupplier port) {
        this.port = port;
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(request(path, null).GET());
    }

    HttpResponse<String> post(String path, String token) throws Exception {
        return send(request(path, token).POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> delete(String path, String token) throws Exception {
        return send(request(path, token).DELETE());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body as JSON, once the status is the one expected. */
    static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return Messages.json().readTree(response.body());
    }

    static JsonNode itemFor(JsonNode list, String subject) {
        for (JsonNode item : list.get("items")) {
            if (item.get("subject").asText().equals(subject)) {
                return item;
            }
        }
        throw new AssertionError("no item for " + subject + " in " + list);
    }

    /** The events of an item's audit trail, in order. */
    static List<String> events(JsonNode item) {
        List<String> events = new ArrayList<>();
        item.get("trail").forEach(line -> events.add(line.get("event").asText()));
        return events;
    }
}
