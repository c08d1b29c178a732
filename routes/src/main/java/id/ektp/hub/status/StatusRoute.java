package id.ektp.hub.status;

import id.ektp.hub.across.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The read-only status calls on the hub's HTTP server ({@code http.host:http.port}), no token
 * needed: {@code GET /api/status}, the {@link StatusView} document, and {@code GET /}, the status
 * page: one static HTML file with its CSS and script inline (nothing to build, nothing fetched
 * from elsewhere: the hub may be offline) that reads {@code /api/status} every 10 seconds
 * ({@code /?refresh=N} for N seconds). Beside them the contracts others code against
 * ({@code docs/icd-extensions.md}): {@code GET /api/openapi.json}, the OpenAPI description of
 * {@code /api/*}, and {@code GET /api/schemas/<name>.schema.json}, the JSON Schemas it and the
 * ICD's documents refer to; both straight from the class path ({@value #CONTRACTS}).
 */
public final class StatusRoute extends RouteBuilder {
    /** The page, on the class path. */
    public static final String PAGE = "status/index.html";
    /** The OpenAPI description and, in {@code schemas/}, the JSON Schemas, on the class path. */
    public static final String CONTRACTS = "contracts/";
    /** A schema's name: only these are looked up, so a path cannot reach another resource. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z0-9-]{1,64}\\.schema\\.json");

    @Override
    public void configure() {
        byte[] page = page();
        byte[] openApi = resource(CONTRACTS + "openapi.json");

        from("platform-http:/api/status?httpMethodRestrict=GET")
                .routeId("status-api")
                .removeHeaders("*")
                .bean("statusView", "json")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader("Cache-Control", constant("no-store"));

        from("platform-http:/?httpMethodRestrict=GET")
                .routeId("status-page")
                .removeHeaders("*")
                .setBody(exchange -> page)
                .setHeader(Exchange.CONTENT_TYPE, constant("text/html; charset=utf-8"))
                .setHeader("Cache-Control", constant("no-cache"));

        from("platform-http:/api/openapi.json?httpMethodRestrict=GET")
                .routeId("api-openapi")
                .removeHeaders("*")
                .setBody(exchange -> openApi)
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));

        from("platform-http:/api/schemas/{name}?httpMethodRestrict=GET")
                .routeId("api-schemas")
                .process(exchange -> {
                    String name = exchange.getMessage().getHeader("name", String.class);
                    byte[] schema = schema(name);
                    exchange.getMessage().removeHeaders("*");
                    if (schema == null) {
                        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
                        // The name is not echoed: whoever asks is told where the names are instead.
                        exchange.getMessage().setBody(Messages.text(Messages.json().createObjectNode().put("error",
                                "no such schema; /api/openapi.json refers to each there is")));
                    } else {
                        exchange.getMessage().setBody(schema);
                    }
                })
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
    }

    static byte[] page() {
        return resource(PAGE);
    }

    /** A schema of {@value #CONTRACTS}{@code schemas/}, or null when there is none of that name. */
    static byte[] schema(String name) {
        if (name == null || !SCHEMA_NAME.matcher(name).matches()
                || StatusRoute.class.getClassLoader().getResource(CONTRACTS + "schemas/" + name) == null) {
            return null;
        }
        return resource(CONTRACTS + "schemas/" + name);
    }

    private static byte[] resource(String path) {
        try (InputStream in = StatusRoute.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
