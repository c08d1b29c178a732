package id.ektp.hub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.sandbox.broker.EmbeddedBroker.ReceivedMessage;
import id.ektp.hub.status.StatusRoute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The contracts of {@code routes/src/main/resources/contracts/} as the tests hold the hub to them:
 * what the hub really sent to a peer is valid against the JSON Schema of its document, and every
 * {@code /api/*} call a test makes through {@link #http()} is one the OpenAPI description has,
 * answered with a status it describes and a body valid against that status's schema. Uses
 * networknt's validator (draft 2020-12, formats asserted); routes' tests only: the app module's
 * tests have an older networknt of their own.
 */
public final class Contracts {
    /** Where the contracts are on the class path: the hub serves them from there too. */
    public static final String BASE = "classpath:" + StatusRoute.CONTRACTS;
    public static final String OPENAPI = "openapi.json";
    public static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

    /** The schema file of each document the hub sends, by its {@code schema} value (= EktpType). */
    public static final Map<String, String> SCHEMA_FILES = Map.of(
            Queues.STOCK_REQUEST, "stock-request.schema.json",
            Queues.STOCK_LOAN_REQUEST, "stock-loan-request.schema.json",
            Queues.FAILURE_REPORT, "failure-report.schema.json",
            Queues.PRR_RECEIPT, "prr-receipt.schema.json",
            Queues.HUB_STATUS_SCHEMA, "hub-status.schema.json",
            Queues.PICKUP_NOTICE, "pickup-notice.schema.json");
    public static final String PRINT_JOB = "print-job.schema.json";
    /** A receipt as a device finds it in its {@code receipts/} (ICD section 1). */
    public static final String RECEIPT = "packet-receipt.schema.json";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final JsonNode OPEN_API = read(StatusRoute.CONTRACTS + OPENAPI);

    private Contracts() {}

    /** The errors of {@code document} against the schema at {@code location} (relative to {@link #BASE}, or absolute). */
    public static List<String> errors(String location, String document) {
        String absolute = location.contains(":") ? location : BASE + location;
        List<String> errors = new ArrayList<>();
        for (Error e : REGISTRY.getSchema(SchemaLocation.of(absolute)).validate(document, InputFormat.JSON)) {
            errors.add(e.toString());
        }
        return errors;
    }

    /** Fails unless {@code document} is valid against {@code location}. */
    public static void assertValid(String location, String document) {
        List<String> errors = errors(location, document);
        if (!errors.isEmpty()) {
            throw new AssertionError("not valid against " + location + ": " + errors + "\nin " + document);
        }
    }

    /** A receipt as a device found it in its {@code receipts/}. */
    public static void assertReceipt(String document) {
        assertValid("schemas/" + RECEIPT, document);
    }

    /** A print job as a printer found it in its {@code queue/}. */
    public static void assertPrintJob(String document) {
        assertValid("schemas/" + PRINT_JOB, document);
    }

    /**
     * A message as it arrived on the broker: the headers of ICD section 3 ({@code EktpType} is the
     * body's {@code schema}) and the body valid against the schema of its type.
     */
    public static ReceivedMessage assertSent(ReceivedMessage message) {
        String type = (String) message.property(Queues.TYPE);
        String file = SCHEMA_FILES.get(type);
        if (file == null || message.property(Queues.MESSAGE_ID) == null || message.property(Queues.REGENCY) == null) {
            throw new AssertionError("a message without the headers of ICD section 3 (or of a type without a schema): "
                    + message.properties());
        }
        if (!type.equals(parse(message.text()).path("schema").asText())) {
            throw new AssertionError("EktpType " + type + " is not the body's schema: " + message.text());
        }
        assertValid("schemas/" + file, message.text());
        return message;
    }

    /** {@link #assertSent} for each; the list itself. */
    public static List<ReceivedMessage> assertSent(List<ReceivedMessage> messages) {
        messages.forEach(Contracts::assertSent);
        return messages;
    }

    /** The OpenAPI description as the tests read it (the file the hub serves). */
    public static JsonNode openApi() {
        return OPEN_API;
    }

    /**
     * An HTTP/1.1 client (Camel 4.18.0's platform-http answers an h2c upgrade badly) that checks
     * every call to {@code /api/*} it makes against the OpenAPI description; other paths pass.
     */
    public static HttpClient http() {
        return new Checked(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    /**
     * One call against the description: its path and method are described (or the hub refused it
     * with 404 or 405: what is not described does not exist), its status is described, a secured
     * call without a token is a 401 (or a 413: the size comes first), the body is valid against
     * the status's schema, and a request the hub accepted (2xx) was valid against the request
     * body's schema.
     */
    public static void checkCall(String method, String path, boolean withToken, String requestBody,
                                 int status, String contentType, String responseBody) {
        String call = method + " " + path + " → " + status;
        Optional<String> template = template(path);
        JsonNode operation = template.map(t -> OPEN_API.path("paths").path(t).path(method.toLowerCase())).orElse(null);
        if (operation == null || operation.isMissingNode()) {
            if (status != 404 && status != 405) {
                throw new AssertionError(call + ": the call is not in " + OPENAPI + ", yet the hub answered it");
            }
            return;
        }
        String operationPointer = "/paths/" + escape(template.get()) + "/" + method.toLowerCase();
        JsonNode response = operation.path("responses").path(String.valueOf(status));
        if (response.isMissingNode()) {
            throw new AssertionError(call + ": status " + status + " is not described for " + template.get()
                    + "; body " + responseBody);
        }
        String responsePointer = operationPointer + "/responses/" + status;
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
            response = OPEN_API.at(responsePointer);
        }
        boolean secured = !operation.path("security").isEmpty();
        // The body's size is checked by the HTTP server before any route runs: 413 comes before 401.
        if (secured && !withToken && status != 401 && status != 413) {
            throw new AssertionError(call + ": described as needing the admin token, answered without one");
        }
        JsonNode json = response.path("content").path("application/json");
        if (!json.isMissingNode()) {
            if (contentType == null || !contentType.startsWith("application/json")) {
                throw new AssertionError(call + ": described as JSON, answered as " + contentType);
            }
            assertValid(OPENAPI + "#" + responsePointer + "/content/application~1json/schema", responseBody);
        }
        JsonNode requestSchema = operation.path("requestBody").path("content").path("application/json");
        if (status / 100 == 2 && !requestSchema.isMissingNode()) {
            assertValid(OPENAPI + "#" + operationPointer + "/requestBody/content/application~1json/schema",
                    requestBody == null ? "" : requestBody);
        }
    }

    /** The described path {@code path} is an instance of; a literal path before a templated one (OpenAPI's rule). */
    private static Optional<String> template(String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        List<String> matching = new ArrayList<>();
        OPEN_API.path("paths").fieldNames().forEachRemaining(t -> {
            if (bare.matches(t.replaceAll("\\{[^/]+}", "[^/]+").replace(".", "\\."))) {
                matching.add(t);
            }
        });
        return matching.stream().min(Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count()));
    }

    /** A path as one JSON pointer token inside a URI fragment. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
    }

    private static JsonNode parse(String text) {
        try {
            return Messages.json().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static JsonNode read(String resource) {
        try (InputStream in = Contracts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            return Messages.json().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body a request was sent with (the JDK's publishers of strings and bytes can be read again). */
    static String body(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return "";
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.get().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the request's body could not be read again", e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static <T> HttpResponse<T> check(HttpRequest request, HttpResponse<T> response) {
        if (request.uri().getPath().startsWith("/api/") && response.body() instanceof String text) {
            HttpHeaders headers = response.headers();
            checkCall(request.method(), request.uri().getRawPath()
                            + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery()),
                    request.headers().firstValue("Authorization").isPresent(), body(request),
                    response.statusCode(), headers.firstValue("Content-Type").orElse(null), text);
        }
        return response;
    }

    /** An HttpClient that hands each answer to {@link #check} before the test sees it. */
    private static final class Checked extends HttpClient {
        private final HttpClient http;

        Checked(HttpClient http) {
            this.http = http;
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
                throws IOException, InterruptedException {
            return check(request, http.send(request, handler));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            return http.sendAsync(request, handler).thenApply(response -> check(request, response));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                                HttpResponse.PushPromiseHandler<T> push) {
            return http.sendAsync(request, handler, push).thenApply(response -> check(request, response));
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return http.cookieHandler();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return http.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return http.followRedirects();
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return http.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return http.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return http.sslParameters();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return http.authenticator();
        }

        @Override
        public Version version() {
            return http.version();
        }

        @Override
        public Optional<Executor> executor() {
            return http.executor();
        }
    }
}
