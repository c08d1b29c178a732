package id.ektp.hub.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GETs the hub's /observe endpoints over real HTTP and reads their answers. */
public final class ObserveClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One health answer: the HTTP status and the JSON body. */
    public record Health(int httpStatus, JsonNode body) {
        public String status() {
            return body.path("status").asText();
        }

        /** The named check, or a missing node. */
        public JsonNode check(String name) {
            for (JsonNode check : body.path("checks")) {
                if (name.equals(check.path("name").asText())) {
                    return check;
                }
            }
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }

        /** A detail of the ektp-peers check (needs {@code ?data=true}). */
        public String peer(String key) {
            return check("ektp-peers").path("data").path(key).asText(null);
        }

        @Override
        public String toString() {
            return httpStatus + " " + body;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // see AdminClient
    private final int port;

    public ObserveClient(int port) {
        this.port = port;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public Health health(String path) throws Exception {
        HttpResponse<String> response = get(path);
        return new Health(response.statusCode(), JSON.readTree(response.body()));
    }

    /** {@code /observe/health/ready} with every check's details. */
    public Health ready() throws Exception {
        return health("/observe/health/ready?data=true");
    }

    /**
     * The value of the sample of {@code name} whose labels include {@code labels}, from
     * Prometheus text; empty if there is none.
     */
    public static OptionalDouble sample(String prometheusText, String name, Map<String, String> labels) {
        for (String line : prometheusText.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String sampleName = line.substring(0, brace >= 0 && brace < space ? brace : space);
            if (!sampleName.equals(name)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            String rest = line;
            if (brace >= 0 && brace < space) {
                int close = line.lastIndexOf('}');
                Matcher m = LABEL.matcher(line.substring(brace + 1, close));
                while (m.find()) {
                    found.put(m.group(1), m.group(2));
                }
                rest = line.substring(close + 1);
            } else {
                rest = line.substring(space);
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                return OptionalDouble.of(number(rest.trim().split("\\s+")[0]));
            }
        }
        return OptionalDouble.empty();
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
