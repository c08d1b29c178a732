package id.ektp.hub.status;

import id.ektp.hub.admin.PersonalDataHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The read-only status calls on the hub's HTTP server ({@code http.host:http.port}), no token
 * needed: {@code GET /api/status}, the {@link StatusView} document, {@code GET /api/followups}
 * ({@link FollowUpView}), {@code GET /counter}, the counter's lookup form, and {@code GET /}, the status
 * page: one static HTML file with its CSS and script inline (nothing to build, nothing fetched
 * from elsewhere: the hub may be offline) that reads {@code /api/status} every 10 seconds
 * ({@code /?refresh=N} for N seconds).
 */
public final class StatusRoute extends RouteBuilder {
    /** The page, on the class path. */
    public static final String PAGE = "status/index.html";
    /** The counter page ("where is my e-KTP?"), on the class path beside it. */
    public static final String COUNTER = "status/counter.html";

    @Override
    public void configure() {
        byte[] page = page(PAGE);
        byte[] counter = page(COUNTER);

        from("platform-http:/api/status?httpMethodRestrict=GET")
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
    }

    static byte[] page(String name) {
        try (InputStream in = StatusRoute.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
