package id.ektp.hub.status;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.HubTestEnvironment;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contracts themselves (routes/src/main/resources/contracts/): every schema file is a valid
 * draft 2020-12 schema whose references resolve, every document the hub sends has one, the
 * OpenAPI description describes exactly the {@code /api} routes the hub has, and the hub serves
 * both without a token. Whether the hub keeps to them is checked where it sends each document
 * (the flow tests, through {@link Contracts}) and on every admin call the tests make
 * ({@link Contracts#http()}).
 */
class ContractsTest {
    private static final Path SCHEMAS = classpathFolder("contracts/schemas");
    /** An /api route's path, and the methods of its {@code httpMethodRestrict} wherever it is in the query. */
    private static final Pattern ROUTE = Pattern.compile("platform-http://?(/api/[^?]*)(?:\\?(?:.*&)?httpMethodRestrict=([A-Z,]+).*|\\?.*)?");

    @TempDir
    Path root;

    @Test
    void everySchemaFileIsAValidDraft202012SchemaWhoseReferencesResolve() throws Exception {
        List<String> names = schemaFiles();
        assertTrue(names.size() >= 9, names.toString());
        for (String name : names) {
            String text = Files.readString(SCHEMAS.resolve(name));
            assertEquals(Contracts.META_SCHEMA, Messages.json().readTree(text).path("$schema").asText(), name);
            assertEquals(List.of(), Contracts.errors(Contracts.META_SCHEMA, text), name);
            assertReferencesResolve("schemas/" + name, Messages.json().readTree(text));
        }
    }

    @Test
    void everySchemaInTheOpenApiDescriptionIsValidAndItsReferencesResolve() throws Exception {
        JsonNode api = Contracts.openApi();
        assertEquals("3.1.0", api.path("openapi").asText());
        assertEquals(Contracts.META_SCHEMA, api.path("jsonSchemaDialect").asText());
        List<JsonNode> schemas = new ArrayList<>();
        collectSchemas(api.path("paths"), schemas);
        api.path("components").path("schemas").forEach(schemas::add);
        assertTrue(schemas.size() > 20, "found " + schemas.size());
        for (JsonNode schema : schemas) {
            assertEquals(List.of(), Contracts.errors(Contracts.META_SCHEMA, Messages.text((com.fasterxml.jackson.databind.node.ObjectNode) schema)),
                    schema.toString());
        }
        assertReferencesResolve(Contracts.OPENAPI, api);
    }

    /** The schemas hold the hub's promise that a NIK shows in clear only where its reader needs it (a print job). */
    @Test
    void aNikInClearWhereTheHubMasksItIsRefused() {
        String notice = """
                {"schema": "ektp.pickup-notice/1", "noticeId": "n-1", "prrId": "PRR-3310-000001729", "nik": "%s",
                 "pickupKecamatanCode": "33.10.05", "at": "2026-11-23T09:02:11+07:00"}""";
        assertEquals(List.of(), Contracts.errors("schemas/pickup-notice.schema.json", notice.formatted("331005******0001")));
        assertFalse(Contracts.errors("schemas/pickup-notice.schema.json", notice.formatted("3310054507900001")).isEmpty());
        String report = """
                {"schema": "ektp.failure-report/1", "reportId": "r-1", "regencyCode": "33.10", "kind": "PACKET_REJECTED",
                 "at": "2026-11-23T09:02:11+07:00", "packetId": "331005-CWS01-20261123081500-0001",
                 "kecamatanCode": "33.10.05", "reason": "NIK_MISMATCH: manifest nik %s is not the file's"}""";
        assertEquals(List.of(), Contracts.errors("schemas/failure-report.schema.json", report.formatted("331005******0001")));
        assertFalse(Contracts.errors("schemas/failure-report.schema.json", report.formatted("3310054507900001")).isEmpty());
        String withoutItsFields = report.formatted("x").replace("\"packetId\"", "\"subject\"");
        assertFalse(Contracts.errors("schemas/failure-report.schema.json", withoutItsFields).isEmpty(),
                "a PACKET_REJECTED needs its packetId");
    }

    /** Each document type the hub sends on a queue, the print job and the status answer have a schema, and no file is a stray. */
    @Test
    void everyDocumentTheHubSendsHasItsSchemaFile() throws Exception {
        Set<String> expected = new TreeSet<>(Contracts.SCHEMA_FILES.values());
        expected.addAll(List.of(Contracts.PRINT_JOB, Contracts.RECEIPT, "hub-api-status.schema.json", "codes.schema.json",
                "hub-api-followups.schema.json", "hub-api-packet.schema.json", "hub-api-lookup.schema.json"));
        assertEquals(expected, new TreeSet<>(schemaFiles()));
        for (var entry : Contracts.SCHEMA_FILES.entrySet()) {
            JsonNode schema = Messages.json().readTree(Files.readString(SCHEMAS.resolve(entry.getValue())));
            assertEquals(entry.getKey(), schema.path("properties").path("schema").path("const").asText(), entry.getValue());
        }
        JsonNode status = Messages.json().readTree(Files.readString(SCHEMAS.resolve("hub-api-status.schema.json")));
        assertEquals(StatusView.SCHEMA, status.path("properties").path("schema").path("const").asText());
    }

    /**
     * The description and the hub's routes agree: every {@code /api} route (path and method) is
     * described, so a new call without a description fails the build, and every described call
     * is a route, so the description never promises what the hub does not have.
     */
    @Test
    void theOpenApiDescriptionHasExactlyTheHubsApiRoutes() throws Exception {
        HubTestEnvironment env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        try (env) {
            Hub hub = env.startHub();
            Set<String> routes = new TreeSet<>();
            for (Route route : hub.camelContext().getRoutes()) {
                String uri = URLDecoder.decode(route.getEndpoint().getEndpointUri(), StandardCharsets.UTF_8);
                Matcher m = ROUTE.matcher(uri);
                if (m.matches()) {
                    for (String method : m.group(2) == null ? List.of("GET", "POST", "DELETE") : List.of(m.group(2).split(","))) {
                        routes.add(method + " " + m.group(1));
                    }
                } else {
                    assertFalse(uri.startsWith("platform-http:") && uri.contains("/api"), "an /api route this test cannot read: " + uri);
                }
            }
            Set<String> described = new TreeSet<>();
            Contracts.openApi().path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                    .forEachRemaining(method -> described.add(method.toUpperCase() + " " + path.getKey())));
            assertTrue(routes.contains("GET /api/status") && routes.contains("POST /api/quarantine/{id}/release"), routes.toString());
            assertEquals(routes, described, "the /api routes of AdminRoutes and StatusRoute, and the paths of "
                    + Contracts.OPENAPI);
        }
    }

    @Test
    void theHubServesTheDescriptionAndEverySchemaWithoutAToken() throws Exception {
        HubTestEnvironment env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        try (env) {
            env.startHub();
            HttpClient http = Contracts.http();
            HttpResponse<String> api = get(http, env, "/api/openapi.json");
            assertEquals(200, api.statusCode());
            assertEquals(Contracts.openApi(), Messages.json().readTree(api.body()));
            for (String name : schemaFiles()) {
                HttpResponse<byte[]> schema = http.send(request(env, "/api/schemas/" + name), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, schema.statusCode(), name);
                assertArrayEquals(Files.readAllBytes(SCHEMAS.resolve(name)), schema.body(), name);
            }
            for (String other : List.of("nope.schema.json", "..%2Fopenapi.json", "..%2F..%2Fapplication.properties",
                    "hub-api-status.schema.json.bak", "%2e%2e%2fstatus%2findex.html")) {
                HttpResponse<String> refused = get(http, env, "/api/schemas/" + other);
                assertEquals(404, refused.statusCode(), other + ": " + refused.body());
                assertFalse(refused.body().contains("camel"), refused.body());
            }
        }
    }

    /** Each $ref of {@code node} (in the file at {@code location}, relative to the contracts) names something that is there. */
    private static void assertReferencesResolve(String location, JsonNode node) throws Exception {
        List<String> refs = new ArrayList<>();
        collectRefs(node, refs);
        for (String ref : refs) {
            if (ref.equals(Contracts.META_SCHEMA)) {
                continue; // networknt has the meta-schema; the errors() calls above load it
            }
            String file = ref.startsWith("#") ? location : URI.create(location).resolve(ref.split("#")[0]).toString();
            String pointer = ref.contains("#") ? ref.substring(ref.indexOf('#') + 1) : "";
            JsonNode target = read(file).at(pointer);
            assertFalse(target.isMissingNode(), location + ": $ref " + ref + " names nothing");
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject() && node.path("$ref").isTextual()) {
            refs.add(node.get("$ref").asText());
        }
        node.forEach(child -> collectRefs(child, refs));
    }

    /** The schema objects of a description's paths: every value of a "schema" key. */
    private static void collectSchemas(JsonNode node, List<JsonNode> schemas) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("schema") && field.getValue().isObject()) {
                    schemas.add(field.getValue());
                } else {
                    collectSchemas(field.getValue(), schemas);
                }
            });
        } else {
            node.forEach(child -> collectSchemas(child, schemas));
        }
    }

    private static JsonNode read(String file) throws Exception {
        try (InputStream in = ContractsTest.class.getClassLoader().getResourceAsStream(StatusRoute.CONTRACTS + file)) {
            assertTrue(in != null, file + " is not on the class path");
            return Messages.json().readTree(in);
        }
    }

    private static List<String> schemaFiles() throws Exception {
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            Set<String> bad = new HashSet<>(names);
            bad.removeIf(n -> n.endsWith(".schema.json"));
            assertEquals(Set.of(), bad, "every file in contracts/schemas is named *.schema.json");
            return names;
        }
    }

    private static HttpResponse<String> get(HttpClient http, HubTestEnvironment env, String path) throws Exception {
        return http.send(request(env, path), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(HubTestEnvironment env, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
    }

    private static Path classpathFolder(String name) {
        try {
            return Path.of(ContractsTest.class.getClassLoader().getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(name + " is not a folder on the class path", e);
        }
    }
}
