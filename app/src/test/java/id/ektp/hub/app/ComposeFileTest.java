package id.ektp.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Docker engine runs in the build, so {@code docker-compose.yml} is checked here: against the
 * official compose-spec schema, for the deployment rules of docs/deploy.md (loopback only,
 * readiness healthcheck, no inline secret), and its hub configuration against the hub's own
 * validator. Each check is shown to fail on a broken file, so none passes by accident.
 */
class ComposeFileTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");
    private static final Path HUB_CONFIG = Path.of("..", "config", "docker", "hub.yaml");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(pass|secret|token|private|credential|key).*");
    private static final Pattern SECRET_PATH = Pattern.compile("/run/secrets/([A-Za-z][A-Za-z0-9_.-]*)");

    @TempDir
    Path dir;

    static JsonNode compose() throws IOException {
        return YAML.readTree(COMPOSE.toFile());
    }

    static Set<String> schemaErrors(JsonNode compose) throws IOException {
        JsonNode schemaNode;
        try (InputStream in = ComposeFileTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
            schemaNode = new ObjectMapper().readTree(in);
        }
        // The file names its draft as "https://json-schema.org/draft-07/schema" (no '#'), a spelling
        // the validator does not look up, so the draft is given to the factory instead; and its
        // $id is a bare file name, which the validator refuses as a base URI. Every $ref in it is
        // local ("#/definitions/..."), so an absolute $id changes no rule.
        ((ObjectNode) schemaNode).remove("$schema");
        ((ObjectNode) schemaNode).put("$id", "https://github.com/compose-spec/compose-spec/schema/compose-spec.json");
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaNode);
        Set<String> errors = new TreeSet<>();
        for (ValidationMessage message : schema.validate(compose)) {
            errors.add(message.getMessage());
        }
        return errors;
    }

    @Test
    void theComposeFileMatchesTheComposeSpecSchema() throws Exception {
        assertEquals(Set.of(), schemaErrors(compose()));
    }

    @Test
    void aBrokenComposeFileFailsTheSchema() throws Exception {
        ObjectNode typo = (ObjectNode) compose();
        ((ObjectNode) typo.at("/services/hub")).set("helthcheck", typo.at("/services/hub/healthcheck"));
        Set<String> unknownKey = schemaErrors(typo);
        assertFalse(unknownKey.isEmpty());
        assertTrue(unknownKey.toString().contains("helthcheck"), unknownKey.toString());

        ObjectNode wrongType = (ObjectNode) compose();
        ((ObjectNode) wrongType.at("/services/hub")).set("ports", TextNode.valueOf("127.0.0.1:8080:8080"));
        assertFalse(schemaErrors(wrongType).isEmpty(), "ports must be a list");

        ObjectNode badRestart = (ObjectNode) compose();
        ((ObjectNode) badRestart.at("/services/hub/depends_on/ministry-broker")).put("condition", "service_ready");
        assertFalse(schemaErrors(badRestart).isEmpty(), "no such depends_on condition");
    }

    @Test
    void theHubIsPublishedOnLoopbackOnlyAndCheckedOnReadiness() throws Exception {
        JsonNode compose = compose();
        JsonNode hub = compose.at("/services/hub");
        assertEquals("Dockerfile", hub.at("/build/dockerfile").asText());
        assertEquals(List.of("run", "--config", "/etc/ektp-hub/hub.yaml"), texts(hub.get("command")));
        assertTrue(texts(hub.get("volumes")).contains("./config/docker:/etc/ektp-hub:ro"),
                "the config folder is mounted, not the file, so that a saved edit reaches the hub's hot reload");
        assertFalse(hub.path("user").asText("0").startsWith("0"), "never root");

        JsonNode config = YAML.readTree(HUB_CONFIG.toFile());
        String port = config.at("/http/port").asText();
        assertEquals("0.0.0.0", config.at("/http/host").asText(), "reachable from docker's port forwarding");
        for (JsonNode service : iterable(compose.get("services"))) {
            for (String published : texts(service.path("ports"))) {
                assertTrue(published.startsWith("127.0.0.1:"), "published on the host's loopback only: " + published);
            }
        }
        assertEquals(List.of("127.0.0.1:" + port + ":" + port), texts(hub.get("ports")));
        String healthcheck = String.join(" ", texts(hub.at("/healthcheck/test")));
        assertTrue(healthcheck.contains("http://127.0.0.1:" + port + "/observe/health/ready"), healthcheck);
    }

    @Test
    void noSecretIsWrittenInTheComposeFile() throws Exception {
        assertEquals(List.of(), inlineSecrets(compose()));

        ObjectNode leaky = (ObjectNode) compose();
        ((ObjectNode) leaky.at("/services/ministry-broker/environment")).put("ACTIVEMQ_CONNECTION_PASSWORD", "admin");
        ((ObjectNode) leaky.at("/secrets/admin_token")).removeAll().put("environment", "ADMIN_TOKEN");
        List<String> found = inlineSecrets(leaky);
        assertEquals(2, found.size(), found.toString());
    }

    /** Secret-looking environment values, and secrets that are not files under ./secrets. */
    static List<String> inlineSecrets(JsonNode compose) {
        List<String> found = new ArrayList<>();
        compose.get("services").fields().forEachRemaining(service -> {
            JsonNode env = service.getValue().path("environment");
            List<Map.Entry<String, String>> vars = new ArrayList<>();
            if (env.isObject()) {
                env.fields().forEachRemaining(e -> vars.add(Map.entry(e.getKey(), e.getValue().asText())));
            } else {
                for (String line : texts(env)) {
                    int eq = line.indexOf('=');
                    vars.add(Map.entry(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1)));
                }
            }
            for (Map.Entry<String, String> var : vars) {
                if (SECRET_NAME.matcher(var.getKey()).matches() && !var.getValue().isEmpty()) {
                    found.add(service.getKey() + ".environment." + var.getKey());
                }
            }
        });
        compose.path("secrets").fields().forEachRemaining(secret -> {
            JsonNode definition = secret.getValue();
            if (definition.size() != 1 || !definition.path("file").asText().startsWith("./secrets/")) {
                found.add("secrets." + secret.getKey() + " is not a file under ./secrets");
            }
        });
        return found;
    }

    @Test
    void theComposeHubConfigurationPassesTheHubsOwnValidator() throws Exception {
        String text = Files.readString(HUB_CONFIG);
        JsonNode hub = compose().at("/services/hub");
        Set<String> mounted = new TreeSet<>();
        for (JsonNode secret : iterable(hub.get("secrets"))) {
            mounted.add(secret.isTextual() ? secret.asText() : secret.path("target").asText(secret.path("source").asText()));
        }
        // Every file the configuration names under /run/secrets is one the hub's container gets.
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Matcher named = SECRET_PATH.matcher(text);
        Set<String> names = new TreeSet<>();
        while (named.find()) {
            names.add(named.group(1));
        }
        assertFalse(names.isEmpty());
        assertTrue(mounted.containsAll(names), "config names " + names + ", the hub container gets " + mounted);
        // The container's paths, moved under a temporary folder; nothing else changes.
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, text.replace("/run/secrets/", secrets + "/")
                .replace("/var/lib/ektp-hub/", dir.resolve("lib/ektp-hub") + "/")
                .replace("/var/lib/ektp-printers/", dir.resolve("lib/ektp-printers") + "/"));
        // A real key and a known_hosts naming every host (CommandLineTest.installSecrets), then the rest.
        CommandLineTest.installSecrets(secrets, config);
        Files.move(secrets.resolve("id_ed25519"), secrets.resolve("hub_ssh_key"));
        for (String name : names) {
            Path file = secrets.resolve(name);
            if (!Files.exists(file)) {
                // At least 32 bytes: the NIK key is refused shorter.
                Files.writeString(file, "not-a-real-" + name + "-but-32-bytes-long\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        }
        List<ConfigProblem> problems = ConfigLoader.check(config);
        assertEquals(List.of(), problems);
        assertTrue(ConfigLoader.load(config).privacy().keyFile().isPresent(),
                "the compose hub answers the counter's lookups: privacy.nikKeyFile is set");

        // The same check does see a configuration the hub would refuse.
        Files.writeString(config, Files.readString(config).replace("pollInterval: 30s\n  broker", "pollIntervall: 30s\n  broker"));
        assertFalse(ConfigLoader.check(config).isEmpty(), "an unknown key is refused");
    }

    private static List<String> texts(JsonNode node) {
        List<String> result = new ArrayList<>();
        if (node != null) {
            node.forEach(n -> result.add(n.asText()));
        }
        return result;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node == null ? List.of() : node;
    }
}
