package id.ektp.hub.admin;

import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.down.StrandedJobs;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The admin calls, on the hub's HTTP server ({@code http.host:http.port}). Every call that
 * changes the hub ({@code POST}, {@code DELETE}) needs {@code Authorization: Bearer <token>}:
 * 401 without it, 400 with a body that names what is wrong, 404 for an unknown quarantine id
 * (or a printer with nothing QUEUED on it), 409 for a quarantined item still invalid (or
 * already dropped) or a requeue for a printer still configured, 200 with a JSON answer otherwise.
 */
public final class AdminApiRoute extends RouteBuilder {
    @Override
    public void configure() {
        onException(AdminApi.Unauthorized.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(401))
                .setHeader("WWW-Authenticate", constant("Bearer"))
                .to("direct:api-error");
        onException(AdminApi.BadRequest.class, StockKeeper.Refused.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(400))
                .to("direct:api-error");
        onException(StrandedJobs.StillConfigured.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(409))
                .to("direct:api-error");
        onException(QuarantineDesk.NotFound.class, StrandedJobs.NothingQueued.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(404))
                .to("direct:api-error");
        onException(QuarantineDesk.Conflict.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(409))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setBody(exchange -> AdminApi.conflict(exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                        QuarantineDesk.Conflict.class)));

        from("direct:api-error").routeId("api-error")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setBody(exchange -> AdminApi.error(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));

        // Once at the start: a release or drop whose file move a crash interrupted is finished.
        from("timer:quarantine-recovery?repeatCount=1&delay=0").routeId("admin-quarantine-recovery")
                .bean("quarantineDesk", "finishInterrupted");

        post("/api/stock/arrivals", "api-stock-arrivals", "confirmArrival");
        post("/api/stock/requests", "api-stock-requests", "requestStock");
        post("/api/destructions", "api-destructions", "recordDestruction");

        // Quarantine (ICD section 4). Reading needs no token, like the status page; release and
        // drop do. One consumer per path, the method chosen inside: ids come from the path.
        from("platform-http:/api/quarantine?httpMethodRestrict=GET")
                .routeId("api-quarantine-list")
                .bean("adminApi", "listQuarantine")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
        from("platform-http:/api/quarantine/{id}?httpMethodRestrict=GET,DELETE")
                .routeId("api-quarantine-item")
                .choice()
                    .when(header(Exchange.HTTP_METHOD).isEqualTo("DELETE"))
                        .bean("adminApi", "authorize")
                        .bean("adminApi", "dropQuarantined")
                    .otherwise()
                        .bean("adminApi", "quarantineItem")
                .end()
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
        from("platform-http:/api/quarantine/{id}/release?httpMethodRestrict=POST")
                .routeId("api-quarantine-release")
                .bean("adminApi", "authorize")
                .bean("adminApi", "releaseQuarantined")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));

        // Jobs left QUEUED on a printer taken out of the configuration, queued again (StrandedJobs).
        from("platform-http:/api/printers/{id}/requeue?httpMethodRestrict=POST")
                .routeId("api-printer-requeue")
                .bean("adminApi", "authorize")
                .convertBodyTo(String.class)
                .bean("adminApi", "requeueStranded")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
    }

    private void post(String path, String routeId, String method) {
        from("platform-http:" + path + "?httpMethodRestrict=POST")
                .routeId(routeId)
                .bean("adminApi", "authorize")
                .convertBodyTo(String.class)
                .bean("adminApi", method)
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
    }
}
