package id.ektp.hub.status;

import id.ektp.hub.across.Messages;
import id.ektp.hub.admin.PersonalDataHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The read-only status calls on the hub's HTTP server ({@code http.host:http.port}), no token
 * needed: {@code GET /api/status}, the {@link StatusView} document, {@code GET /api/followups}
 * ({@link FollowUpView}), {@code GET /counter}, the counter's lookup form, and {@code GET /}, the status
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
    /** The counter page ("where is my e-KTP?"), on the class path beside it. */
    public static final String COUNTER = "status/counter.html";
    /** The OpenAPI description and, in {@code schemas/}, the JSON Schemas, on the class path. */
    public static final String CONTRACTS = "contracts/";
    /** A schema's name: only these are looked up, so a path cannot reach another resource. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z0-9-]{1,64}\\.schema\\.json");

    @Override
    public void configure() {
        byte[] page = page(PAGE);
        byte[] counter = page(COUNTER);
        byte[] openApi = resource(CONTRACTS + "openapi.json");

        // no-store: a cached status is a wrong one. Camel's default header filter would drop
        // Cache-Control; the journey's filter lets it out.
        from("platform-http:/api/status?httpMethodRestrict=GET&headerFilterStrategy=#" + PersonalDataHeaders.BEAN)
                .routeId("status-api")
                .removeHeaders("*")
                .bean("statusView", "json")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader("Cache-Control", constant("no-store"));

        // Who must come in, by kecamatan (FollowUpView): NIKs masked, so no token, like the status.
        // It names residents all the same: no-store, through the filter that lets Cache-Control out.
        from("platform-http:/api/followups?httpMethodRestrict=GET&headerFilterStrategy=#" + PersonalDataHeaders.BEAN)
                .routeId("status-followups")
                .removeHeaders("*")
                .bean("followUpView", "json")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader("Cache-Control", constant("no-store"));

        from("platform-http:/?httpMethodRestrict=GET")
                .routeId("status-page")
                .removeHeaders("*")
                .setBody(exchange -> page)
                .setHeader(Exchange.CONTENT_TYPE, constant("text/html; charset=utf-8"))
                .setHeader("Cache-Control", constant("no-cache"));

        // The counter's form: it posts the NIK to /api/lookup with the admin token (JourneyApi);
        // the page itself holds nothing personal.
        from("platform-http:/counter?httpMethodRestrict=GET")
                .routeId("status-counter")
                .removeHeaders("*")
                .setBody(exchange -> counter)
                .setHeader(Exchange.CONTENT_TYPE, constant("text/html; charset=utf-8"));

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

    static byte[] page(String name) {
        return resource(name);
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
